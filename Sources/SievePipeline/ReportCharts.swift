/// The HTML page of `sieve report`: sections of inline SVG charts, one small inline script that
/// checks every chart drew something (it marks `<body data-charts="N" data-rendered="M">`, which
/// the browser test reads), no network.
struct HTMLPage {
    private var body = ""
    private let title: String

    init(title: String) {
        self.title = title
        body = "<h1>\(escape(title))</h1>\n"
    }

    mutating func paragraph(_ html: String) { body += "<p>\(html)</p>\n" }

    mutating func section(_ heading: String, _ html: String) {
        body += "<section><h2>\(escape(heading))</h2>\n\(html)\n</section>\n"
    }

    func finish() -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:960px;color:#222}
        h2{font-size:16px;margin-top:2em;border-bottom:1px solid #ddd}
        svg{display:block;margin:.5em 0} td,th{padding:2px 10px;text-align:left} svg text{font:11px sans-serif;fill:#333}
        </style></head>
        <body>
        \(body)<script>
        // Counts the charts whose marks were laid out with a size (what the browser test checks).
        window.addEventListener('load', function () {
          var charts = document.querySelectorAll('svg.chart'), drawn = 0;
          charts.forEach(function (svg) {
            var marks = svg.querySelectorAll('.mark'), ok = marks.length > 0;
            marks.forEach(function (m) { var b = m.getBBox(); if (!(b.width > 0 || b.height > 0)) ok = false; });
            if (ok) drawn++;
          });
          document.body.setAttribute('data-charts', charts.length);
          document.body.setAttribute('data-rendered', drawn);
        });
        </script>
        </body></html>

        """
    }
}

/// SVG charts as strings: horizontal bars, a histogram with a marker, line series.
enum Chart {
    static let width = 900.0
    static let colors = ["#3b6fb6", "#e08a2c", "#4a9a5b", "#b54a4a"]

    /// One horizontal bar per (label, value, value text), scaled to the largest value.
    static func bars(_ rows: [(String, Double, String)]) -> String {
        let labelWidth = 300.0, barArea = width - labelWidth - 170, rowHeight = 20.0
        let top = max(rows.map(\.1).max() ?? 1, 1)
        var svg = "<svg class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(Double(rows.count) * rowHeight + 6))\" xmlns=\"http://www.w3.org/2000/svg\">"
        for (k, row) in rows.enumerated() {
            let y = Double(k) * rowHeight + 3
            let w = max(row.1 / top * barArea, 1)
            svg += "<text x=\"\(Int(labelWidth - 6))\" y=\"\(y + 13)\" text-anchor=\"end\">\(escape(row.0))</text>"
            svg += "<rect class=\"mark\" x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(w)\" height=\"\(rowHeight - 5)\" fill=\"\(colors[0])\"><title>\(escape(row.2))</title></rect>"
            svg += "<text x=\"\(labelWidth + w + 6)\" y=\"\(y + 13)\">\(escape(row.2))</text>"
        }
        return svg + "</svg>"
    }

    /// Equal-width bins over [from, to], a red line at `marker`.
    static func histogram(_ bins: [Int64], from: Double, to: Double, marker: Double?) -> String {
        let height = 200.0, left = 50.0, plot = width - left - 20
        let top = Double(max(bins.max() ?? 1, 1)), bw = plot / Double(max(bins.count, 1))
        var svg = "<svg class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height + 30))\" xmlns=\"http://www.w3.org/2000/svg\">"
        for (k, count) in bins.enumerated() {
            let h = Double(count) / top * height
            let x = left + Double(k) * bw
            svg += "<rect class=\"mark\" x=\"\(x)\" y=\"\(height - h)\" width=\"\(bw - 2)\" height=\"\(max(h, 0.5))\" fill=\"\(colors[0])\"><title>\(count)</title></rect>"
        }
        for k in 0...4 {
            let v = from + (to - from) * Double(k) / 4
            svg += "<text x=\"\(left + plot * Double(k) / 4)\" y=\"\(height + 16)\" text-anchor=\"middle\">\(format2(v))</text>"
        }
        svg += "<text x=\"4\" y=\"12\">\(Int(top))</text>"
        if let marker {
            let x = left + (marker - from) / (to - from) * plot
            svg += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"0\" y2=\"\(height)\" stroke=\"#d00\" stroke-width=\"2\"/>"
            svg += "<text x=\"\(x + 4)\" y=\"12\" fill=\"#d00\">cut \(format2(marker))</text>"
        }
        return svg + "</svg>"
    }

    /// Line series of (x, y) points on shared axes.
    static func lines(_ series: [[(Double, Double)]], xLabel: String, yLabel: String) -> String {
        let height = 240.0, left = 60.0, plot = width - left - 20
        let points = series.flatMap { $0 }
        let x0 = points.map(\.0).min() ?? 0, x1 = max(points.map(\.0).max() ?? 1, x0 + 1)
        let y0 = points.map(\.1).min() ?? 0, y1 = max(points.map(\.1).max() ?? 1, y0 + 1e-9)
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plot }
        func py(_ y: Double) -> Double { 10 + (1 - (y - y0) / (y1 - y0)) * (height - 20) }
        var svg = "<svg class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height + 30))\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<line x1=\"\(left)\" x2=\"\(left)\" y1=\"10\" y2=\"\(height - 10)\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(left)\" x2=\"\(left + plot)\" y1=\"\(height - 10)\" y2=\"\(height - 10)\" stroke=\"#999\"/>"
        svg += "<text x=\"4\" y=\"16\">\(format2(y1))</text><text x=\"4\" y=\"\(height - 10)\">\(format2(y0))</text>"
        svg += "<text x=\"\(left)\" y=\"\(height + 8)\">\(Int(x0))</text><text x=\"\(left + plot)\" y=\"\(height + 8)\" text-anchor=\"end\">\(Int(x1)) \(escape(xLabel))</text>"
        svg += "<text x=\"\(left + 8)\" y=\"\(height + 24)\">\(escape(yLabel))</text>"
        for (k, s) in series.enumerated() where !s.isEmpty {
            let path = s.map { "\(px($0.0)),\(py($0.1))" }.joined(separator: " ")
            svg += "<polyline class=\"mark\" fill=\"none\" stroke=\"\(colors[k % colors.count])\" stroke-width=\"2\" points=\"\(path)\"/>"
            if s.count == 1 { svg += "<circle cx=\"\(px(s[0].0))\" cy=\"\(py(s[0].1))\" r=\"3\" fill=\"\(colors[k % colors.count])\"/>" }
        }
        return svg + "</svg>"
    }

    static func format2(_ x: Double) -> String {
        let hundredths = Int((x * 100).rounded())
        let fraction = abs(hundredths % 100)
        return "\(hundredths < 0 && hundredths > -100 ? "-" : "")\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
