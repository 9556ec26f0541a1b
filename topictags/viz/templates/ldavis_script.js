{#
  The one script of an LDAvis visualisation. d3_js and ldavis_js are the files
  pyLDAvis ships (checked to hold no "</script" or "<!--"); every other value
  goes through |tojson, which escapes <, >, & and ' and all non-ASCII.
  d3 and LDAvis run inside a closure with AMD/CommonJS hidden: d3's UMD header
  would otherwise register with a notebook's require.js instead of defining d3,
  and neither library overwrites another d3 on the page.
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
var labels = {{ labels|tojson }};
new LDAvis("#" + visid, data);
// Tooltips: .text() inserts the label as text, never as markup.
d3.select("#" + visid).selectAll("circle.dot").each(function (d) {
  var label = labels[String(d.topics)];
  if (label) { d3.select(this).append("title").text(label); }
});
})();
