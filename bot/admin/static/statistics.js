/* The 统计 page's charts (Apache ECharts, served by the console): drawn from the JSON in
   #stats-data, large type for a projector, redrawn at paper width when printed.
   When done, <html data-charts="ready"> (the browser tests wait for it). */
(function () {
  "use strict";
  var source = document.getElementById("stats-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var FONT = 16;
  var PALETTE = ["#0072B2", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00",
                 "#7a7a7a"];
  var charts = [];
  var text = { fontSize: FONT, color: "#1f2328" };

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = echarts.init(element, null, { renderer: "canvas", devicePixelRatio: 2 });
    option.color = option.color || PALETTE;
    option.textStyle = text;
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
  }

  function axisLabel(extra) {
    return Object.assign({ fontSize: FONT, color: "#1f2328" }, extra || {});
  }

  function bars(items, horizontal) {
    var names = items.map(function (item) { return item.name; });
    var values = items.map(function (item) { return item.value; });
    var category = { type: "category", data: names, axisLabel: axisLabel(
      horizontal ? { width: 260, overflow: "truncate" }
                 : { interval: 0, width: 72, overflow: "break" }) };
    var value = { type: "value", axisLabel: axisLabel(), minInterval: 1 };
    if (horizontal) { category.inverse = true; }
    return {
      tooltip: { trigger: "axis", textStyle: text },
      grid: { left: 16, right: 48, top: 16, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{ type: "bar", data: values, barMaxWidth: 40,
                 label: { show: true, position: horizontal ? "right" : "top",
                          fontSize: FONT } }]
    };
  }

  draw("chart-days", {
    tooltip: { trigger: "axis", textStyle: text },
    legend: { top: 0, textStyle: text },
    grid: { left: 16, right: 24, top: 48, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.days, axisLabel: axisLabel() },
    yAxis: { type: "value", axisLabel: axisLabel(), minInterval: 1 },
    series: data.channels.map(function (channel) {
      return { name: channel.name, type: "bar", stack: "channels", data: channel.values,
               barMaxWidth: 48 };
    })
  });
  draw("chart-results", {
    color: ["#009E73", "#0072B2", "#D55E00", "#E69F00", "#7a7a7a"],
    tooltip: { trigger: "item", textStyle: text, formatter: "{b}：{c}（{d}%）" },
    series: [{ type: "pie", radius: ["38%", "66%"], data: data.results,
               label: { fontSize: FONT, formatter: "{b}\n{c}（{d}%）" } }]
  });
  draw("chart-topics", bars(data.topics, true));
  draw("chart-faq", bars(data.faq, true));
  draw("chart-waits", bars(data.waits.labels.map(function (label, index) {
    return { name: label, value: data.waits.values[index] };
  }), false));
  draw("chart-ratings", bars(data.ratings.labels.map(function (label, index) {
    return { name: label, value: data.ratings.values[index] };
  }), false));
  draw("chart-helpful", {
    color: ["#009E73", "#D55E00"],
    tooltip: { trigger: "item", textStyle: text, formatter: "{b}：{c}（{d}%）" },
    series: [{ type: "pie", radius: ["38%", "66%"], data: data.helpful,
               label: { fontSize: FONT, formatter: "{b}\n{c}（{d}%）" } }]
  });
  draw("chart-busy", {
    tooltip: { position: "top", textStyle: text, formatter: function (item) {
      return data.busy.weekdays[item.value[1]] + " " + item.value[0] + " 时：" +
        item.value[2];
    } },
    grid: { left: 16, right: 16, top: 8, bottom: 72, containLabel: true },
    xAxis: { type: "category", data: Array.from({ length: 24 }, function (_, hour) {
      return hour + "时";
    }), axisLabel: axisLabel(), splitArea: { show: true } },
    yAxis: { type: "category", data: data.busy.weekdays, axisLabel: axisLabel(),
             inverse: true, splitArea: { show: true } },
    visualMap: { min: 0, max: Math.max(1, data.busy.max), calculable: false,
                 orient: "horizontal", left: "center", bottom: 0, textStyle: text,
                 inRange: { color: ["#f3f7fb", "#56B4E9", "#0072B2", "#08306b"] } },
    series: [{ type: "heatmap", data: data.busy.cells }]
  });

  function resize() { charts.forEach(function (chart) { chart.resize(); }); }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
  document.documentElement.dataset.charts = "ready";
}());
