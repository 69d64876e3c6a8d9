// Charts as plain SVG: geometry in attributes and colours in the stylesheet, so nothing needs
// an inline style and the strict CSP holds. A visually hidden table carries the same numbers.
import { useId } from "react";

export interface Bar {
  label: string;
  value: number;
}

export function BarChart({
  title,
  bars,
  format,
  tone = "primary",
}: {
  title: string;
  bars: Bar[];
  format: (value: number) => string;
  tone?: "primary" | "secondary" | "tertiary";
}) {
  const titleId = useId();
  const width = 560;
  const height = 200;
  const top = 16;
  const bottom = 28;
  const left = 8;
  const plotHeight = height - top - bottom;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const slot = (width - left * 2) / Math.max(1, bars.length);
  const barWidth = Math.max(4, slot * 0.66);
  const labelEvery = bars.length > 10 ? 2 : 1;
  return (
    <figure className="chart">
      <figcaption id={titleId}>{title}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={titleId}
        className={`chart-svg chart-${tone}`}
      >
        <title>{title}</title>
        <line className="chart-axis" x1={left} x2={width - left} y1={top + plotHeight} y2={top + plotHeight} />
        {bars.map((bar, index) => {
          const barHeight = (bar.value / max) * plotHeight;
          const x = left + index * slot + (slot - barWidth) / 2;
          const y = top + plotHeight - barHeight;
          return (
            <g key={bar.label}>
              <rect
                className="chart-bar"
                x={x}
                y={y}
                width={barWidth}
                height={Math.max(barHeight, bar.value > 0 ? 1 : 0)}
                rx={2}
              >
                <title>{`${bar.label}: ${format(bar.value)}`}</title>
              </rect>
              {index % labelEvery === 0 || index === bars.length - 1 ? (
                <text className="chart-label" x={x + barWidth / 2} y={height - 8} textAnchor="middle">
                  {bar.label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      {/* Tables ignore overflow, so the wrapper, not the table, is visually hidden. */}
      <div className="sr-only">
        <table>
          <caption>{title}</caption>
          <tbody>
            {bars.map((bar) => (
              <tr key={bar.label}>
                <th scope="row">{bar.label}</th>
                <td>{format(bar.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
