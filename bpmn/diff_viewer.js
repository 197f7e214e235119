/* The diff viewer: zoom and pan both diagrams of a comparison together, show a chosen change
   in both, switch between side by side and one diagram, show layout-only changes on request.

   One file for the HTML report (inlined) and the library's compare page (served from /static/).
   The page works without it: the diagrams are static SVG and the changes a table.

   Markup it expects inside an element with data-diff-viewer (its data-labels holds the button
   texts as JSON):
     .dv-side[data-side=old|new] > .dv-canvas > svg.bpmn-diagram, groups with data-element-id;
     change rows with data-old-id / data-new-id (the first cell gets a "show" button). */
(function () {
  "use strict";
  var MIN_READABLE = 1; // CSS px per diagram unit at which 12 px labels stay at least 10 px high
  var STEP = 1.25;

  function Viewer(root) {
    var self = this, byKey = {};
    this.root = root;
    this.text = JSON.parse(root.getAttribute("data-labels") || "{}");
    this.sides = [];
    this.panes = []; // the diagrams that move together: the old and the new diagram of one number
    root.querySelectorAll(".dv-side").forEach(function (side) {
      side.querySelectorAll(".dv-canvas").forEach(function (canvas, index) {
        var svg = canvas.querySelector("svg.bpmn-diagram");
        if (!svg) return;
        var key = canvas.getAttribute("data-dv-pane") || String(index);
        if (!byKey[key]) { byKey[key] = new Pane(self, self.panes.length); self.panes.push(byKey[key]); }
        var box = svg.viewBox.baseVal, s = {
          name: side.getAttribute("data-side"), el: side, canvas: canvas, svg: svg, pane: byKey[key],
          full: { x: box.x, y: box.y, w: box.width, h: box.height }, cx: box.x + box.width / 2, cy: box.y + box.height / 2
        };
        byKey[key].sides.push(s);
        self.sides.push(s);
      });
    });
    if (!this.sides.length) return;
    root.classList.add("dv-live");
    this.toolbar();
    this.panes.forEach(function (pane) { if (pane.index) pane.toolbar(); });
    this.sides.forEach(function (s) { self.bind(s); });
    this.rows();
    // a phone has room for one diagram: the new one, with the removed elements drawn in
    if (this.one && window.matchMedia && window.matchMedia("(max-width: 800px)").matches) this.single(true);
    this.panes.forEach(function (pane) { pane.home(); });
    window.addEventListener("resize", function () { self.panes.forEach(function (pane) { pane.draw(); }); });
  }

  /* one diagram number: its old and new diagram, zoomed and panned together */
  function Pane(viewer, index) {
    this.viewer = viewer;
    this.index = index;
    this.sides = [];
    this.scale = 1;
  }

  Viewer.prototype.t = function (key, fallback) { return this.text[key] || fallback; };

  Viewer.prototype.button = function (bar, label, title, action, pressed) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    if (title) { b.title = title; b.setAttribute("aria-label", title); }
    if (pressed !== undefined) b.setAttribute("aria-pressed", String(pressed));
    b.addEventListener("click", action);
    bar.appendChild(b);
    return b;
  };

  /* the zoom buttons of a pane: −, +, fit (kept on one line when the toolbar wraps) */
  Viewer.prototype.zoomButtons = function (bar, pane) {
    var group = document.createElement("span");
    group.className = "dv-zoom";
    this.button(group, "−", this.t("out", "Zoom out") + " (−)", function () { pane.zoom(1 / STEP); });
    this.button(group, "+", this.t("in", "Zoom in") + " (+)", function () { pane.zoom(STEP); });
    this.button(group, this.t("fit", "Fit to changes"), this.t("fit", "Fit to changes") + " (0)", function () { pane.home(); });
    bar.appendChild(group);
  };

  Viewer.prototype.toolbar = function () {
    var self = this;
    var bar = document.createElement("div");
    bar.className = "dv-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", this.t("toolbar", "Diagram view"));
    if (this.sides.some(function (s) { return s.name === "old"; }) && this.sides.some(function (s) { return s.name === "new"; })) {
      this.both = this.button(bar, this.t("both", "Side by side"), "", function () { self.single(false); }, true);
      this.one = this.button(bar, this.t("one", "One diagram"), "", function () { self.single(true); }, false);
    }
    this.zoomButtons(bar, this.panes[0]);
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.addEventListener("change", function () {
      self.root.classList.toggle("dv-show-layout", box.checked);
    });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + this.t("layout", "Show layout-only changes")));
    bar.appendChild(label);
    this.status = document.createElement("p");
    this.status.className = "dv-status";
    this.status.setAttribute("role", "status");
    var first = this.root.querySelector(".dv-sides") || this.sides[0].el;
    first.parentNode.insertBefore(bar, first);
    bar.parentNode.insertBefore(this.status, bar.nextSibling);
  };

  /* a further diagram's own zoom buttons, above each of its canvases (both move it) */
  Pane.prototype.toolbar = function () {
    var self = this, v = this.viewer;
    this.sides.forEach(function (s) {
      var bar = document.createElement("div");
      bar.className = "dv-toolbar dv-pane-toolbar";
      bar.setAttribute("role", "toolbar");
      bar.setAttribute("aria-label", v.t("toolbar", "Diagram view") + ": " + (s.canvas.getAttribute("aria-label") || ""));
      v.zoomButtons(bar, self);
      s.canvas.parentNode.insertBefore(bar, s.canvas);
    });
  };

  /* --- geometry --------------------------------------------------------------------------- */
  Pane.prototype.draw = function () {
    var self = this;
    this.sides.forEach(function (s) {
      var w = s.canvas.clientWidth / self.scale, h = s.canvas.clientHeight / self.scale;
      if (!w || !h) return;
      s.svg.setAttribute("viewBox", [s.cx - w / 2, s.cy - h / 2, w, h].join(" "));
    });
  };

  /* the first diagram of the pane on screen (in the one-diagram view the old one is hidden) */
  Pane.prototype.shown = function () {
    return this.sides.filter(function (s) { return s.canvas.clientWidth > 0; })[0] || this.sides[0];
  };

  Pane.prototype.limits = function () {
    var s = this.shown();
    var whole = Math.min(s.canvas.clientWidth / s.full.w, s.canvas.clientHeight / s.full.h);
    return [Math.max(0.02, Math.min(whole * 0.9, MIN_READABLE)), 8];
  };

  Pane.prototype.setScale = function (scale) {
    var lim = this.limits();
    this.scale = Math.max(lim[0], Math.min(lim[1], scale));
  };

  /* zoom by `factor` keeping the diagram point (px, py) of side `at` where it is */
  Pane.prototype.zoom = function (factor, at, px, py) {
    var old = this.scale;
    this.setScale(old * factor);
    var k = old / this.scale, s = at || this.shown();
    if (px === undefined) { px = s.cx; py = s.cy; }
    var dx = (px + (s.cx - px) * k) - s.cx, dy = (py + (s.cy - py) * k) - s.cy;
    this.pan(dx, dy);
  };

  /* move the pane's diagrams by (dx, dy) diagram units: they stay in step */
  Pane.prototype.pan = function (dx, dy) {
    this.sides.forEach(function (s) { s.cx += dx; s.cy += dy; });
    this.draw();
  };

  Pane.prototype.point = function (s, clientX, clientY) {
    var r = s.canvas.getBoundingClientRect();
    return [s.cx + (clientX - r.left - r.width / 2) / this.scale, s.cy + (clientY - r.top - r.height / 2) / this.scale];
  };

  /* where an element is: a pool or lane by its name band (its name is what changed or moved) */
  function bbox(group) {
    var band = group.querySelector(":scope > .band");
    var b = (band || group).getBBox();
    return { x: b.x, y: b.y, w: b.width, h: b.height };
  }

  function union(boxes) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    boxes.forEach(function (b) { x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y); x1 = Math.max(x1, b.x + b.w); y1 = Math.max(y1, b.y + b.h); });
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  }

  /* the starting view: fitted to the changes while labels stay readable, else the first change */
  Pane.prototype.home = function () {
    var self = this, marked = ".diff-added,.diff-removed,.diff-changed";
    if (this.viewer.root.classList.contains("dv-show-layout")) marked += ",.diff-layout";
    var boxes = [];
    this.sides.forEach(function (s) {
      if (!s.canvas.clientWidth) return; // hidden: nothing measurable
      s.svg.querySelectorAll(marked).forEach(function (g) {
        if (!g.classList.contains("bpmn-pool") && !g.classList.contains("bpmn-lane")) boxes.push(bbox(g));
      });
    });
    var s0 = this.shown();
    if (!boxes.length) {
      this.scale = Math.max(this.limits()[0], Math.min(1, s0.canvas.clientWidth / s0.full.w));
      this.sides.forEach(function (s) { s.cx = s.full.x + s.full.w / 2; s.cy = s.full.y + s.full.h / 2; });
      return this.draw();
    }
    var all = union(boxes), pad = 40;
    var fit = Math.min(s0.canvas.clientWidth / (all.w + pad * 2), s0.canvas.clientHeight / (all.h + pad * 2));
    if (fit >= MIN_READABLE) {
      this.scale = Math.min(fit, 1.5);
      this.sides.forEach(function (s) { s.cx = all.x + all.w / 2; s.cy = all.y + all.h / 2; });
      this.draw();
    } else {
      this.scale = MIN_READABLE;
      var row = this.viewer.startRow(this);
      if (row) this.viewer.show(row, false, true); else this.draw();
    }
  };

  /* --- input --------------------------------------------------------------------------------- */
  Viewer.prototype.bind = function (s) {
    var pane = s.pane, pointers = {}, pinch = null;
    s.canvas.addEventListener("wheel", function (e) {
      e.preventDefault();
      var p = pane.point(s, e.clientX, e.clientY);
      pane.zoom(e.deltaY < 0 ? STEP : 1 / STEP, s, p[0], p[1]);
    }, { passive: false });
    function spread() {
      var ids = Object.keys(pointers), a = pointers[ids[0]], b = pointers[ids[1]];
      return { dist: Math.hypot(a[0] - b[0], a[1] - b[1]), mid: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] };
    }
    s.canvas.addEventListener("pointerdown", function (e) {
      pointers[e.pointerId] = [e.clientX, e.clientY];
      s.canvas.setPointerCapture(e.pointerId);
      s.canvas.classList.add("dv-dragging");
      pinch = Object.keys(pointers).length === 2 ? spread() : null;
    });
    s.canvas.addEventListener("pointermove", function (e) {
      var last = pointers[e.pointerId];
      if (!last) return;
      if (Object.keys(pointers).length === 2) { // pinch: the fingers' distance zooms, their middle pans
        pointers[e.pointerId] = [e.clientX, e.clientY];
        var now = spread();
        if (pinch && pinch.dist > 0) {
          var p = pane.point(s, now.mid[0], now.mid[1]);
          pane.zoom(now.dist / pinch.dist, s, p[0], p[1]);
          pane.pan(-(now.mid[0] - pinch.mid[0]) / pane.scale, -(now.mid[1] - pinch.mid[1]) / pane.scale);
        }
        pinch = now;
        return;
      }
      pane.pan(-(e.clientX - last[0]) / pane.scale, -(e.clientY - last[1]) / pane.scale);
      pointers[e.pointerId] = [e.clientX, e.clientY];
    });
    function up(e) {
      delete pointers[e.pointerId];
      pinch = null;
      if (!Object.keys(pointers).length) s.canvas.classList.remove("dv-dragging");
    }
    s.canvas.addEventListener("pointerup", up);
    s.canvas.addEventListener("pointercancel", up);
    s.canvas.addEventListener("keydown", function (e) {
      var step = 60 / pane.scale, done = true;
      if (e.key === "+" || e.key === "=") pane.zoom(STEP);
      else if (e.key === "-" || e.key === "_") pane.zoom(1 / STEP);
      else if (e.key === "0") pane.home();
      else if (e.key === "ArrowLeft") pane.pan(-step, 0);
      else if (e.key === "ArrowRight") pane.pan(step, 0);
      else if (e.key === "ArrowUp") pane.pan(0, -step);
      else if (e.key === "ArrowDown") pane.pan(0, step);
      else done = false;
      if (done) e.preventDefault();
    });
  };

  /* --- the list of changes ------------------------------------------------------------------ */
  Viewer.prototype.changeRows = function () {
    return Array.prototype.filter.call(this.root.querySelectorAll("[data-old-id],[data-new-id]"), function (row) {
      return row.tagName === "TR" && !row.classList.contains("kind-layout") && !row.classList.contains("diff-layout");
    });
  };

  /* the change a pane starts at: the first one it draws with a label (a flow without a name has none) */
  Viewer.prototype.startRow = function (pane) {
    var self = this, rows = this.changeRows().filter(function (row) { return self.paneOf(row) === pane; });
    var labelled = rows.filter(function (row) {
      return pane.sides.some(function (s) {
        var g = self.find(s, row.getAttribute(s.name === "old" ? "data-old-id" : "data-new-id"));
        return g && g.querySelector(":scope > text");
      });
    });
    return labelled[0] || rows[0];
  };

  Viewer.prototype.rows = function () {
    var self = this;
    this.root.querySelectorAll("tr[data-old-id],tr[data-new-id]").forEach(function (row) {
      var cell = row.querySelector("td");
      if (!cell || !self.paneOf(row)) return; // a process or message is not drawn: nothing to show
      var b = document.createElement("button");
      b.type = "button";
      b.className = "dv-show";
      b.textContent = self.t("show", "Show");
      b.addEventListener("click", function () { self.show(row, true); });
      cell.insertBefore(b, cell.firstChild);
      // a link to an element in the diagrams shows it the same way
      row.querySelectorAll("a[href^='#']").forEach(function (a) {
        a.addEventListener("click", function (e) { e.preventDefault(); self.show(row, true); });
      });
    });
  };

  Viewer.prototype.find = function (s, id, ghost) {
    if (!id) return null;
    var sel = (ghost ? ".dv-ghost" : "g") + '[data-element-id="' + (window.CSS && CSS.escape ? CSS.escape(id) : id) + '"]';
    return s.svg.querySelector(sel);
  };

  /* the pane whose diagrams draw a change row's element(s) (the first, for an element drawn twice) */
  Viewer.prototype.paneOf = function (row) {
    var self = this, ids = { old: row.getAttribute("data-old-id"), "new": row.getAttribute("data-new-id") };
    return this.panes.filter(function (pane) {
      return pane.sides.some(function (s) { return self.find(s, ids[s.name]); });
    })[0] || null;
  };

  /* centre the element(s) of a change row in the diagrams of its pane; outline them unless `quiet` */
  Viewer.prototype.show = function (row, scroll, quiet) {
    var self = this, ids = { old: row.getAttribute("data-old-id"), "new": row.getAttribute("data-new-id") };
    var pane = this.paneOf(row);
    this.root.querySelectorAll(".dv-focus").forEach(function (g) { g.classList.remove("dv-focus"); });
    this.root.querySelectorAll("tr.dv-chosen").forEach(function (r) { r.classList.remove("dv-chosen"); });
    if (!quiet) row.classList.add("dv-chosen");
    if (!pane) return;
    var found = pane.sides.map(function (s) {
      var g = self.find(s, ids[s.name]);
      if (!g && s.name === "new" && self.root.classList.contains("dv-single")) g = self.find(s, ids.old, true);
      return g;
    });
    var known = found.filter(Boolean);
    if (!known.length) return;
    if (pane.scale < MIN_READABLE) pane.scale = MIN_READABLE;
    var fallback = bbox(known[0]);
    pane.sides.forEach(function (s, i) {
      var b = found[i] ? bbox(found[i]) : fallback;
      if (found[i] && !quiet) found[i].classList.add("dv-focus");
      s.cx = b.x + b.w / 2;
      s.cy = b.y + b.h / 2;
      // starting at a pool or lane: its name band near the left edge, its content beside it
      var g = found[i] || known[0];
      if (quiet && b.h > b.w && g.querySelector(":scope > .band")) s.cx += 0.35 * s.canvas.clientWidth / pane.scale;
    });
    pane.draw();
    if (quiet) return;
    var name = row.getAttribute("data-label") || (row.querySelector("td:nth-child(2)") || row).textContent || "";
    this.status.textContent = this.t("shown", "Shown") + ": " + name.trim();
    if (scroll) { // the first diagrams from their headings, a further one from its own toolbar
      var s = pane.shown(), target = pane.index ? s.canvas.previousElementSibling || s.canvas : s.el;
      var top = target.getBoundingClientRect().top;
      if (top < 0 || top > window.innerHeight * 0.6) target.scrollIntoView({ block: "start" });
    }
  };

  /* --- one diagram: the new one, with the removed elements drawn in from the old one ---------- */
  Viewer.prototype.single = function (on) {
    if (!this.one) return;
    if (on) {
      this.panes.forEach(function (pane) {
        var old = pane.sides.filter(function (s) { return s.name === "old"; })[0];
        var neu = pane.sides.filter(function (s) { return s.name === "new"; })[0];
        if (!old || !neu || neu.svg.querySelector(".dv-ghost")) return;
        old.svg.querySelectorAll("g.diff-removed").forEach(function (g) {
          var copy = g.cloneNode(true);
          copy.removeAttribute("id");
          copy.querySelectorAll("[id]").forEach(function (e) { e.removeAttribute("id"); });
          copy.classList.add("dv-ghost");
          neu.svg.appendChild(copy);
        });
      });
    }
    this.root.classList.toggle("dv-single", on);
    this.both.setAttribute("aria-pressed", String(!on));
    this.one.setAttribute("aria-pressed", String(on));
    this.panes.forEach(function (pane) { pane.draw(); });
  };

  function start() {
    document.querySelectorAll("[data-diff-viewer]").forEach(function (root) { root.procexViewer = new Viewer(root); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
