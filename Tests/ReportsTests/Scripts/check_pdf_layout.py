# Lays out an HTML report with WeasyPrint and prints its page count. Exits 1, listing what is
# wrong, when any box lies outside its page (an element overflowing the page box) or when a page
# ends with a heading whose content went to the next page (an orphan heading).
import sys
from weasyprint import HTML

doc = HTML(sys.argv[1]).render()
problems = []
for number, page in enumerate(doc.pages, 1):
    width, height = page.width, page.height
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        stack.extend(getattr(box, 'children', []) or [])
        if not hasattr(box, 'margin_width'):
            continue
        x, y = box.position_x, box.position_y
        w, h = box.margin_width(), box.margin_height()
        if x < -1 or y < -1 or x + w > width + 1 or y + h > height + 1:
            problems.append(f"page {number}: {type(box).__name__} {getattr(box, 'element_tag', '')} at ({x:.0f},{y:.0f}) size {w:.0f}x{h:.0f} outside {width:.0f}x{height:.0f}")
    # The last element on the page, descending through the containers that hold it.
    box = page._page_box.children[0] if page._page_box.children else None
    last = None
    while box is not None:
        children = [c for c in (getattr(box, 'children', []) or []) if getattr(c, 'element_tag', None)]
        if not children:
            break
        box = children[-1]
        last = box
    if last is not None and getattr(last, 'element_tag', '') in ('h1', 'h2', 'h3') and number < len(doc.pages):
        problems.append(f"page {number}: ends with an orphan heading <{last.element_tag}>")
print(len(doc.pages))
for p in problems[:10]:
    print(p)
sys.exit(1 if problems else 0)
