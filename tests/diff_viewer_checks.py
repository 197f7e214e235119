"""Browser checks of the diff viewer (bpmn/diff_viewer.js) that the HTML report and the library's
compare page share: measured in the DOM of headless Chromium, not only "the element exists"."""

# The viewer's state as the page shows it: the first change's label box, the canvases, the ids.
FIRST_CHANGE = """
const root = document.querySelector('[data-diff-viewer]');
const drawn = (side, row) => {
  const id = row.getAttribute(side.dataset.side === 'old' ? 'data-old-id' : 'data-new-id');
  return id && side.querySelector(`svg g[data-element-id="${CSS.escape(id)}"]`);
};
// the diagrams on screen (a phone's one-diagram view hides the old one)
const sides = [...root.querySelectorAll('.dv-side')].filter(side => side.querySelector('.dv-canvas').clientWidth > 0);
// the first semantic change in the table that is drawn with a label (a flow without a name has none)
const row = [...root.querySelectorAll('tr[data-old-id], tr[data-new-id]')].find(row =>
  !row.matches('.kind-layout, .diff-layout') && sides.some(side => { const g = drawn(side, row);
                                                                    return g && g.querySelector(':scope > text'); }));
const found = [];
for (const side of sides) {
  const g = drawn(side, row), id = g && g.dataset.elementId;
  const span = g && g.querySelector(':scope > text tspan');
  if (!span) continue;
  const r = span.getBoundingClientRect(), c = side.querySelector('.dv-canvas').getBoundingClientRect();
  const rotated = !!span.parentNode.getAttribute('transform');
  found.push({side: side.dataset.side, id, glyph: rotated ? r.width : r.height,
              inside: r.left >= c.left - 1 && r.right <= c.right + 1
                      && r.top >= c.top - 1 && r.bottom <= c.bottom + 1});
}
return found;
"""

# centre of an element's drawn box relative to the centre of its canvas, per side on screen
OFFSETS = """
const [oldId, newId] = arguments;
const out = {};
for (const side of document.querySelectorAll('[data-diff-viewer] .dv-side')) {
  const id = side.dataset.side === 'old' ? oldId : newId;
  const g = id && side.querySelector(`svg g[data-element-id="${CSS.escape(id)}"]`);
  if (!g || !side.querySelector('.dv-canvas').clientWidth) continue;  // not drawn, or not on screen
  const band = g.querySelector(':scope > .band');
  const r = (band || g).getBoundingClientRect(), c = side.querySelector('.dv-canvas').getBoundingClientRect();
  out[side.dataset.side] = {dx: r.left + r.width / 2 - (c.left + c.width / 2),
                            dy: r.top + r.height / 2 - (c.top + c.height / 2),
                            width: r.width, focus: g.classList.contains('dv-focus'),
                            outline: getComputedStyle(g.querySelector(
                              g.matches('.bpmn-pool, .bpmn-lane') ? ':scope > .outline' : ':scope > .halo')).stroke};
}
return out;
"""

# per diagram canvas that draws the element: which pair of diagrams and side, the element's centre's
# offset from the canvas centre, its size, whether it lies inside the canvas
PANE_OFFSETS = """
const [id] = arguments;
return [...document.querySelectorAll('[data-diff-viewer] .dv-canvas')].map(c => {
  const g = c.querySelector(`g[data-element-id="${CSS.escape(id)}"]`);
  if (!g) return null;
  const r = g.getBoundingClientRect(), b = c.getBoundingClientRect();
  return {pane: c.dataset.dvPane, side: c.closest('.dv-side').dataset.side, width: r.width, height: r.height,
          dx: r.left + r.width / 2 - (b.left + b.width / 2), dy: r.top + r.height / 2 - (b.top + b.height / 2),
          inside: r.left >= b.left && r.right <= b.right && r.top >= b.top && r.bottom <= b.bottom};
}).filter(Boolean);
"""

DUPLICATE_IDS = """
const seen = new Map();
document.querySelectorAll('[id]').forEach(e => seen.set(e.id, (seen.get(e.id) || 0) + 1));
return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
"""


def default_view_shows_first_change(driver):
    """The first change's label in each diagram that draws it: at least 10 CSS px high, inside its canvas."""
    found = driver.execute_script(FIRST_CHANGE)
    assert found, "the first change is drawn in neither diagram"
    for item in found:
        assert item["glyph"] >= 10, item
        assert item["inside"], item
    return found


def choosing_a_change_centres_it(driver, row):
    """Click the row's "show" button: its element is centred (±2 px) and outlined in both diagrams."""
    old_id, new_id = row.get_attribute("data-old-id"), row.get_attribute("data-new-id")
    row.find_element("css selector", "button.dv-show").click()
    offsets = driver.execute_script(OFFSETS, old_id, new_id)
    assert offsets, "the chosen change is drawn in neither diagram"
    for side, at in offsets.items():
        assert abs(at["dx"]) <= 2 and abs(at["dy"]) <= 2, (side, at)
        assert at["focus"] and at["outline"] == "rgb(5, 80, 174)", (side, at)  # outlined in blue
    assert "dv-chosen" in row.get_attribute("class")
    return old_id, new_id, offsets


def keyboard_zooms_and_pans(driver, old_id, new_id):
    """+ zooms both diagrams in by 1.25, - back, arrows pan both by 60 px, 0 returns to the start."""
    canvas = driver.find_element("css selector", "[data-diff-viewer] .dv-side[data-side=new] .dv-canvas")
    before = driver.execute_script(OFFSETS, old_id, new_id)
    canvas.send_keys("+")
    zoomed = driver.execute_script(OFFSETS, old_id, new_id)
    for side in before:
        assert abs(zoomed[side]["width"] / before[side]["width"] - 1.25) < 0.02, (side, before, zoomed)
    canvas.send_keys("-")
    back = driver.execute_script(OFFSETS, old_id, new_id)
    for side in before:
        assert abs(back[side]["width"] - before[side]["width"]) < 0.5
    from selenium.webdriver.common.keys import Keys

    canvas.send_keys(Keys.ARROW_RIGHT)
    panned = driver.execute_script(OFFSETS, old_id, new_id)
    for side in before:  # the view moves right: the drawing moves left, in both diagrams alike
        assert abs(panned[side]["dx"] - (back[side]["dx"] - 60)) < 1, (side, back, panned)
    canvas.send_keys(Keys.ARROW_DOWN)
    down = driver.execute_script(OFFSETS, old_id, new_id)
    for side in before:
        assert abs(down[side]["dy"] - (panned[side]["dy"] - 60)) < 1
    canvas.send_keys("0")
    default_view_shows_first_change(driver)


def no_duplicate_ids(driver):
    assert driver.execute_script(DUPLICATE_IDS) == []


def diagrams_have_their_own_names(driver):
    """Each diagram's accessible name (its SVG title, its canvas label) is its own."""
    names = driver.execute_script("""
        return [...document.querySelectorAll('[data-diff-viewer] .dv-side')].map(side => {
          const svg = side.querySelector('svg.bpmn-diagram');
          const title = document.getElementById(svg.getAttribute('aria-labelledby'));
          return [title && svg.contains(title) ? title.textContent : null,
                  side.querySelector('.dv-canvas').getAttribute('aria-label')];
        });""")
    assert len(names) == 2 and all(title and label for title, label in names), names
    assert names[0][0] != names[1][0] and names[0][1] != names[1][1], names
    return names


def accessibility_violations(driver):
    """axe-core's serious and critical findings (axe.min.js comes bundled with axe-selenium-python:
    no network)."""
    from axe_selenium_python import Axe

    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
