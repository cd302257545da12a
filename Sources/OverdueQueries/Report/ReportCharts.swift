import Foundation
import OverdueCore

/// The report's charts as inline SVG: axes with titles, gridlines at
/// round values, a value on every bar and point, a legend. Written by
/// hand: three chart shapes of a few dozen elements each, and a chart
/// library would mean JavaScript in a page that must open offline and
/// print (the SVG prints as vectors).
enum ReportCharts {
    /// One bar or point: its label on the category axis, its value and the
    /// text shown for it.
    struct Datum {
        var label: String
        var value: Decimal
        var text: String
        /// Shown on hover (a debtor's id, a stage's internal name).
        var hint: String? = nil
    }

    /// Vertical bars over categories (the aging buckets).
    static func columns(_ data: [Datum], title: String, xTitle: String, yTitle: String, legend: String,
                        tick: (Decimal) -> String) -> String {
        let plot = Plot(width: 720, height: 300, left: 96, bottom: 56)
        let scale = Scale(maximum: data.map(\.value).max() ?? 0)
        var svg = plot.open(title) + plot.yAxis(scale, tick: tick) + plot.titles(x: xTitle, y: yTitle)
        let slot = plot.innerWidth / Double(max(data.count, 1))
        for (index, datum) in data.enumerated() {
            let height = scale.fraction(datum.value) * plot.innerHeight
            let x = plot.left + slot * Double(index) + slot * 0.2
            let top = plot.top + plot.innerHeight - height
            svg += "<g><title>\(ReportPage.escape(datum.label)): \(ReportPage.escape(datum.text))</title>"
            svg += "<rect class=\"bar\" x=\"\(f(x))\" y=\"\(f(top))\" width=\"\(f(slot * 0.6))\" height=\"\(f(height))\"/>"
            svg += text(x + slot * 0.3, top - 6, datum.text, anchor: "middle", cls: "value") + "</g>"
            svg += text(x + slot * 0.3, plot.top + plot.innerHeight + 18, datum.label, anchor: "middle", cls: "tick")
        }
        return svg + plot.legend(legend, line: false) + "</svg>"
    }

    /// A line over dates (overdue over time), each point labelled.
    static func line(_ data: [Datum], title: String, xTitle: String, yTitle: String, legend: String,
                     tick: (Decimal) -> String) -> String {
        let plot = Plot(width: 760, height: 320, left: 96, bottom: 64, right: 48)
        let scale = Scale(maximum: data.map(\.value).max() ?? 0)
        var svg = plot.open(title) + plot.yAxis(scale, tick: tick) + plot.titles(x: xTitle, y: yTitle)
        let step = data.count > 1 ? plot.innerWidth / Double(data.count - 1) : 0
        let points = data.enumerated().map { index, datum in
            (x: plot.left + (data.count > 1 ? step * Double(index) : plot.innerWidth / 2),
             y: plot.top + plot.innerHeight - scale.fraction(datum.value) * plot.innerHeight)
        }
        svg += "<polyline class=\"series\" points=\"\(points.map { "\(f($0.x)),\(f($0.y))" }.joined(separator: " "))\"/>"
        for (index, datum) in data.enumerated() {
            let point = points[index]
            svg += "<g><title>\(ReportPage.escape(datum.label)): \(ReportPage.escape(datum.text))</title>"
            svg += "<circle class=\"point\" cx=\"\(f(point.x))\" cy=\"\(f(point.y))\" r=\"3.5\"/>"
            // A value where it changes (and the first and last): a flat run
            // says it once. Above a point the line rises to, below one it
            // falls to, so labels sit outside the line; above near the date axis.
            let changed = index == 0 || index == data.count - 1 || datum.value != data[index - 1].value
            let below = index > 0 && datum.value < data[index - 1].value && point.y < plot.top + plot.innerHeight - 24
            if changed { svg += text(point.x, point.y + (below ? 17 : -9), datum.text, anchor: "middle", cls: "value small") }
            svg += "</g>"
            svg += "<text class=\"tick\" transform=\"translate(\(f(point.x)),\(f(plot.top + plot.innerHeight + 14))) rotate(-35)\" text-anchor=\"end\">\(ReportPage.escape(datum.label))</text>"
        }
        return svg + plot.legend(legend, line: true) + "</svg>"
    }

    /// Horizontal bars on a 0–100 % axis (stage effectiveness).
    static func percentBars(_ data: [Datum], title: String, xTitle: String, legend: String) -> String {
        let rowHeight = 30.0
        // Room for the longest stage name at about 7 px a character.
        let left = min(360, max(150, 7.2 * Double(data.map(\.label.count).max() ?? 0) + 16))
        let plot = Plot(width: 760, height: 64 + rowHeight * Double(max(data.count, 1)) + 40, left: left, bottom: 48, right: 120)
        var svg = plot.open(title)
        for percent in stride(from: 0, through: 100, by: 25) {
            let x = plot.left + Double(percent) / 100 * plot.innerWidth
            svg += "<line class=\"grid\" x1=\"\(f(x))\" y1=\"\(f(plot.top))\" x2=\"\(f(x))\" y2=\"\(f(plot.top + plot.innerHeight))\"/>"
            svg += text(x, plot.top + plot.innerHeight + 16, "\(percent) %", anchor: "middle", cls: "tick")
        }
        svg += text(plot.left + plot.innerWidth / 2, plot.top + plot.innerHeight + 36, xTitle, anchor: "middle", cls: "axis-title")
        for (index, datum) in data.enumerated() {
            let y = plot.top + 8 + rowHeight * Double(index)
            let width = min(1, max(0, NSDecimalNumber(decimal: datum.value).doubleValue / 100)) * plot.innerWidth
            svg += "<g><title>\(ReportPage.escape(datum.hint ?? datum.label)): \(ReportPage.escape(datum.text))</title>"
            svg += text(plot.left - 8, y + 15, datum.label, anchor: "end", cls: "tick")
            svg += "<rect class=\"bar\" x=\"\(f(plot.left))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"20\"/>"
            svg += text(plot.left + width + 6, y + 15, datum.text, anchor: "start", cls: "value") + "</g>"
        }
        return svg + plot.legend(legend, line: false) + "</svg>"
    }

    /// The drawing area inside the axes.
    struct Plot {
        var width: Double, height: Double, left: Double, bottom: Double
        /// Room for the last point's value, which is centred on it.
        var right: Double = 24
        var top: Double { 46 }
        var innerWidth: Double { width - left - right }
        var innerHeight: Double { height - top - bottom }

        func open(_ title: String) -> String {
            "<svg class=\"chart\" role=\"img\" aria-label=\"\(ReportPage.escape(title))\" viewBox=\"0 0 \(f(width)) \(f(height))\" "
                + "xmlns=\"http://www.w3.org/2000/svg\"><title>\(ReportPage.escape(title))</title>"
        }

        /// Gridlines and labels at the scale's round values, and the axis lines.
        func yAxis(_ scale: Scale, tick: (Decimal) -> String) -> String {
            var svg = ""
            for value in scale.ticks {
                let y = top + innerHeight - scale.fraction(value) * innerHeight
                svg += "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + innerWidth))\" y2=\"\(f(y))\"/>"
                svg += ReportCharts.text(left - 8, y + 4, tick(value), anchor: "end", cls: "tick")
            }
            svg += "<line class=\"axis\" x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + innerHeight))\"/>"
            svg += "<line class=\"axis\" x1=\"\(f(left))\" y1=\"\(f(top + innerHeight))\" x2=\"\(f(left + innerWidth))\" y2=\"\(f(top + innerHeight))\"/>"
            return svg
        }

        func titles(x: String, y: String) -> String {
            ReportCharts.text(left + innerWidth / 2, height - 8, x, anchor: "middle", cls: "axis-title")
                + "<text class=\"axis-title\" transform=\"translate(16,\(f(top + innerHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(ReportPage.escape(y))</text>"
        }

        /// A one-series legend in the top right corner.
        func legend(_ label: String, line: Bool) -> String {
            let x = width - right - 8 - 7 * Double(label.count) - 22
            let swatch = line ? "<line class=\"series\" x1=\"\(f(x))\" y1=\"12\" x2=\"\(f(x + 16))\" y2=\"12\"/>"
                : "<rect class=\"bar\" x=\"\(f(x))\" y=\"6\" width=\"14\" height=\"12\"/>"
            return "<g class=\"legend\">" + swatch + ReportCharts.text(x + 22, 16, label, anchor: "start", cls: "tick") + "</g>"
        }
    }

    /// A value axis from 0 to a round top with four or five round steps
    /// (1, 2, 2.5 or 5 times a power of ten).
    struct Scale {
        var step: Decimal
        var top: Decimal

        init(maximum: Decimal) {
            guard maximum > 0 else {
                step = 1
                top = 4
                return
            }
            let raw = NSDecimalNumber(decimal: maximum).doubleValue / 4
            let magnitude = pow(10, floor(log10(raw)))
            let multiple = [1, 2, 2.5, 5, 10].first { $0 * magnitude >= raw } ?? 10
            step = Decimal(string: String(format: "%.10g", multiple * magnitude)) ?? 1
            var count = maximum / step
            var rounded = Decimal()
            NSDecimalRound(&rounded, &count, 0, .up)
            top = max(rounded, 1) * step
        }

        var ticks: [Decimal] {
            var values: [Decimal] = []
            var value: Decimal = 0
            while value <= top {
                values.append(value)
                value += step
            }
            return values
        }

        func fraction(_ value: Decimal) -> Double {
            top > 0 ? NSDecimalNumber(decimal: max(0, value) / top).doubleValue : 0
        }
    }

    static func text(_ x: Double, _ y: Double, _ content: String, anchor: String, cls: String) -> String {
        "<text class=\"\(cls)\" x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\">\(ReportPage.escape(content))</text>"
    }

    /// Coordinates to one decimal: enough for a screen, short in the file.
    static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
