"""The report's HTML page: inline CSS, no scripts, nothing fetched from the network.

The Content-Security-Policy forbids scripts and every remote load, so even text that
slipped through unescaped could not run or phone home.
"""

from __future__ import annotations

from string import Template

__all__ = ["PAGE", "SECTION"]

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="mpnews report">
<title>$title</title>
<style>
  body { margin: 0; background: #f6f6f4; color: #222;
         font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
  main { max-width: 1140px; margin: 0 auto; padding: 20px 16px 40px; }
  header h1 { font-size: 24px; margin: 0 0 2px; }
  header p { margin: 0 0 16px; color: #666; }
  section { background: #fff; border: 1px solid #e2e2de; border-radius: 6px;
            padding: 14px 18px 12px; margin: 0 0 16px; }
  h2 { font-size: 17px; margin: 0 0 2px; }
  p.note { margin: 0 0 8px; color: #666; font-size: 13px; }
  svg.chart { display: block; max-width: 100%; height: auto; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 4px 10px 4px 0; border-bottom: 1px solid #eee;
           vertical-align: top; }
  th { color: #555; font-weight: 600; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  table.summary { width: auto; }
  table.summary th { padding-right: 24px; }
  table.summary td { font-size: 15px; font-weight: 600; }
  td.error { color: #a11d12; word-break: break-word; }
  .bad { color: #a11d12; } .good { color: #2f7a32; }
  a { color: #2b5d8a; }
</style>
</head>
<body>
<main>
<header>
<h1>$title</h1>
<p>$subtitle</p>
</header>
$sections
</main>
</body>
</html>
""")

SECTION = Template("""<section id="$anchor">
<h2>$heading</h2>
<p class="note">$note</p>
$body
</section>
""")
