{#
  The one script of an LDAvis visualisation. d3_js and ldavis_js are the files
  pyLDAvis ships (checked to hold no "</script" or "<!--"); every other value
  goes through |tojson, which escapes <, >, & and ' and all non-ASCII.
  d3 and LDAvis run inside a closure with AMD/CommonJS hidden: d3's UMD header
  would otherwise register with a notebook's require.js instead of defining d3,
  and neither library overwrites another d3 on the page.

  After LDAvis has drawn, the page numbers topics as the model does (from 0;
  LDAvis numbers them from 1 and keeps 0 for "none"): the circles' numbers
  and the bar chart's title are rewritten, and LDAvis's own topic box is
  replaced by the picker of the fragment, which drives LDAvis through that
  (hidden) box. The panel shows the hovered topic, else the selected one.
  Corpus text only ever goes in with textContent, never as markup.
#}
(function () {
var root = {};
(function (define, exports, module) {
{{ d3_js }}
}).call(root);
var d3 = root.d3;
var LDAvis = (function (d3) {
{{ ldavis_js }}
return LDAvis;
})(d3);
var visid = {{ visid|tojson }};
var data = {{ data|tojson }};
var topics = {{ topics|tojson }};
var initialLambda = {{ initial_lambda|tojson }};
new LDAvis("#" + visid, data);

var byPage = {};
var order = [];
topics.forEach(function (t) { byPage[String(t.page)] = t; order.push(String(t.page)); });
function el(id) { return document.getElementById(visid + id); }
var box = el("-topic");        // LDAvis's topic box: its numbers, "0" = none
var picker = el("-picker");
var body = el("-card-body");
var rows = el("-labels").querySelectorAll("tbody tr");
// Our picker takes the place of LDAvis's topic box, in LDAvis's grey bar.
var controls = el("-controls");
if (box && box.parentNode) {
  var slot = box.parentNode;
  slot.style.display = "none";
  if (controls && slot.parentNode) {
    controls.className += " topictags-in-bar";
    slot.parentNode.insertBefore(controls, slot);
  }
}

function percent(x, digits) { return (100 * x).toFixed(digits) + "%"; }
function add(parent, tag, text, cls) {
  var node = document.createElement(tag);
  if (text !== undefined && text !== null) { node.textContent = text; }
  if (cls) { node.className = cls; }
  parent.appendChild(node);
  return node;
}
function selectedPage() { return box ? String(box.value || "0") : "0"; }

// The panel: one topic's number, share, label terms and tags with their evidence.
function show(page, how) {
  var t = byPage[page];
  body.textContent = "";
  if (!t) {
    add(body, "p", "Hover over a circle, click one or pick a topic to see its label and tags.",
        "topictags-hint");
    body.removeAttribute("data-topic");
    return;
  }
  body.setAttribute("data-topic", String(t.topic));
  body.setAttribute("data-state", how);
  var head = add(body, "div", "Topic " + t.topic + " ", "topictags-card-head");
  add(head, "small", "(" + how + "; " + percent(t.prevalence, 1) + " of the questions' weight, "
      + percent(t.tokens, 1) + " of the tokens)");
  if (t.terms.length) {
    var terms = add(body, "div", null, "topictags-card-terms");
    add(terms, "b", "Terms: ");
    add(terms, "span", t.terms.join(", "));
  } else if (t.label) {
    add(body, "div", t.label, "topictags-card-label");
  }
  if (t.tags.length) {
    var table = add(body, "table", null, "topictags-card-tags");
    var head2 = add(table, "tr");
    add(head2, "th", "tag"); add(head2, "th", "share of the topic's questions"); add(head2, "th", "");
    t.tags.forEach(function (g) {
      var row = add(table, "tr", null, g.weak ? "topictags-weak" : "");
      add(row, "td", g.tag + (g.weak ? "?" : ""));
      add(row, "td", g.share === null ? "" : percent(g.share, 0));
      add(row, "td", g.weak ? "weak: " + g.reason : "supported", g.weak ? "topictags-reason" : "");
    });
  } else if (t.terms.length) {
    add(body, "p", "No tag: this topic points to no candidate tag.", "topictags-hint");
  }
}

// Everything that names the selected topic follows LDAvis's box.
function sync() {
  var page = selectedPage();
  picker.value = byPage[page] ? page : "0";
  for (var i = 0; i < rows.length; i++) {
    rows[i].className = rows[i].getAttribute("data-page") === page ? "topictags-current" : "";
  }
  show(page, "selected");
}

function select(page) {
  page = String(page);
  if (!box) { return; }
  if (!byPage[page]) {
    var clear = el("-topic-clear");
    if (clear) { clear.click(); }
  } else {
    box.value = page;
    box.dispatchEvent(new Event("keyup"));  // LDAvis's own handler selects it
  }
  sync();
}

function step(by) {
  var i = order.indexOf(selectedPage());
  var next = i < 0 ? (by > 0 ? 0 : order.length - 1) : Math.min(order.length - 1, Math.max(0, i + by));
  select(order[next]);
}

picker.addEventListener("change", function () { select(picker.value); });
el("-prev").addEventListener("click", function () { step(-1); });
el("-next").addEventListener("click", function () { step(1); });
el("-clear").addEventListener("click", function () { select("0"); });
for (var r = 0; r < rows.length; r++) {
  rows[r].addEventListener("click", function () { select(this.getAttribute("data-page")); });
}

var vis = d3.select("#" + visid);
// The circles' numbers and tooltips, in the model's numbering.
vis.selectAll("text.txt").each(function (d) {
  var t = byPage[String(d.topics)];
  if (t) { this.textContent = String(t.topic); }
});
vis.selectAll("circle.dot").each(function (d) {
  var t = byPage[String(d.topics)];
  if (t) { d3.select(this).append("title").text("Topic " + t.topic + (t.label ? ": " + t.label : "")); }
})
  .on("mouseover.topictags", function (d) { show(String(d.topics), "hovered"); })
  .on("mouseout.topictags", sync)
  .on("click.topictags", sync);
vis.selectAll("#" + visid + "-leftpanel > rect").on("click.topictags", sync);

// LDAvis writes "... for Topic <its number> (x% of tokens)" each time a topic is shown.
var bars = el("-bar-freqs");
function retitle() {
  var titles = bars ? bars.querySelectorAll(".bubble-tool") : [];
  for (var i = 0; i < titles.length; i++) {
    var title = titles[i];
    // Once per title LDAvis writes: the observer also fires for the bars' changes.
    if (title.getAttribute("data-topictags") === title.textContent) { continue; }
    var m = /^(.* for Topic )(\d+)( .*)$/.exec(title.textContent);
    if (m && byPage[m[2]]) {
      title.textContent = m[1] + byPage[m[2]].topic + m[3];
      title.setAttribute("data-topictags", title.textContent);
    }
  }
}
if (bars && window.MutationObserver) {
  new MutationObserver(retitle).observe(bars, {childList: true});
}

// Open at the λ the labels rank terms by, unless the address asks for another.
var slider = el("-lambda");
if (slider && !/lambda=/.test(location.hash)) {
  slider.value = initialLambda;
  try { slider.dispatchEvent(new MouseEvent("mouseup")); } catch (e) { /* old engines */ }
}
retitle();
sync();
})();
