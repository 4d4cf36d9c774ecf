# Pushes the end of an HTML report down, pixel band by pixel band, across the place where its
# closing <footer> would no longer fit on the last page, and checks with WeasyPrint that the last
# page always holds some of the report's text besides the footers. Prints the cases tried; exits 1,
# listing them, when a last page holds nothing but footers.
#
# The push is a spacer at the start of the last section, so everything after it moves down as
# longer content would move it. The band that matters is found from the report's own layout: the
# room left under the footer on the last page, up to that room plus the footer's height.
import sys
from weasyprint import HTML

source = open(sys.argv[1], encoding="utf-8").read()
marker = '<section id="next-steps">'
if marker not in source:
    print(f"no {marker} in the report")
    sys.exit(2)


def render(push):
    html = source.replace(marker, marker + f'<div style="height:{push}px"></div>', 1)
    return HTML(string=html, base_url=".").render()


def boxes(page):
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        yield box
        stack.extend(getattr(box, "children", []) or [])


def body_text(page):
    # Text of the page's own flow: margin boxes ("Page N of M", the firm) have no element tag.
    return [b.text for b in boxes(page) if type(b).__name__ == "TextBox" and b.element_tag not in (None, "footer")]


document = render(0)
last = document.pages[-1]
page_box = last._page_box
bottom = page_box.content_box_y() + page_box.height
footers = [b for b in boxes(last) if getattr(b, "element_tag", None) == "footer" and type(b).__name__ == "BlockBox"]
if not footers:
    print("no footer on the last page")
    sys.exit(1)
footer = footers[0]
room = bottom - (footer.position_y + footer.margin_height())
problems = []
tried = []
for push in range(max(0, int(room) - 4), int(room + footer.margin_height()) + 8, 4):
    document = render(push)
    tried.append(push)
    if not body_text(document.pages[-1]):
        problems.append(f"pushed {push}px: page {len(document.pages)} holds only footers")
print(f"room {room:.0f}px, footer {footer.margin_height():.0f}px, tried {len(tried)} pushes")
for p in problems[:10]:
    print(p)
sys.exit(1 if problems else 0)
