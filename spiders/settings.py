"""Scrapy settings for mpnews (``scrapy.cfg``: ``default = spiders.settings``).

Polite by default: robots.txt obeyed, AutoThrottle on, few requests per site,
an identifying user agent with a contact URL, no cookies. ``python -m
spiders.run`` fills in the ``MPNEWS_*`` settings for each source of a run; every source
has its own crawler, so the limits below hold per source (per host: its download slot).
"""

BOT_NAME = "mpnews"

SPIDER_MODULES = ["spiders.mp_site", "spiders.news_site"]
NEWSPIDER_MODULE = "spiders"

# Identify ourselves; the contact URL says who runs the crawler and how to reach them.
MPNEWS_CONTACT_URL = "https://github.com/mpnews/mpnews"
USER_AGENT = f"mpnews/0.1 (+{MPNEWS_CONTACT_URL})"

# Politeness.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19 opens an HTTP control port otherwise

# Limits.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_ENABLED = True
REDIRECT_MAX_TIMES = 5
METAREFRESH_ENABLED = False

# Retries with exponential backoff (Scrapy has no backoff of its own: see middlewares.py).
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 30.0

# Request fingerprints: Scrapy 2.19's default fingerprinter (REQUEST_FINGERPRINTER_IMPLEMENTATION
# no longer exists), with URLs cleaned of fragments and tracking parameters by the spiders.

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "spiders.middlewares.SourceOffsiteMiddleware": 50,
    "spiders.middlewares.DownloadErrorMiddleware": 60,
    # Hosts several sources of one crawl process share keep one pace (spiders.run sets them).
    "spiders.middlewares.SharedHostGateMiddleware": 70,
    # http(s) only, no private/loopback/link-local addresses; redirects checked before 600.
    "spiders.addresses.AddressGuardMiddleware": 650,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "spiders.middlewares.SourceRedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,
    # After decompression and redirects, before retries: a 304 becomes the archived 200 copy.
    "spiders.incremental.ConditionalGetMiddleware": 580,
}

# Only http and https are ever fetched (spiders/addresses.py refuses the rest with a reason).
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
# The source's own addresses (its start URLs' hosts) are always allowed; others need this.
MPNEWS_ALLOW_PRIVATE_ADDRESSES = False

# Every response goes to the WARC archive via the response_received signal (archive.py).
EXTENSIONS = {
    "spiders.archive.WarcArchiveExtension": 100,
}
MPNEWS_ARCHIVE_DIR = None  # archiving is off unless a directory is given
MPNEWS_RUN_ID = None  # defaults to the UTC start time
MPNEWS_STATS_OUT = None
MPNEWS_SHARED_HOSTS: list[str] = []

# Incremental crawling (incremental.py): the state file the flow writes from the warehouse;
# MPNEWS_RECHECK_ALL re-checks every known post now, whatever its source's recheck_days.
MPNEWS_STATE_FILE = None
MPNEWS_RECHECK_ALL = False

LOG_LEVEL = "INFO"
LOG_FILE = None  # set by run.py --log-file
LOG_FILE_APPEND = False

FEED_EXPORT_ENCODING = "utf-8"
