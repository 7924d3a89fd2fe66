/** The small live chart of a transaction: energy so far (area) and power (line), drawn as inline SVG. */
import type { MeterSample } from "../view-types.js";

const svgNs = "http://www.w3.org/2000/svg";
const width = 300;
const height = 70;

function path(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join("");
}

export function chart(samples: readonly MeterSample[]): SVGSVGElement {
  const svg = document.createElementNS(svgNs, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  const energy = samples.filter((sample) => sample.energyWh !== undefined);
  const power = samples.filter((sample) => sample.powerW !== undefined);
  svg.dataset.points = String(energy.length);
  svg.setAttribute("aria-label", `energy chart, ${energy.length} readings`);
  if (samples.length === 0) return svg;
  const t0 = Math.min(...samples.map((sample) => sample.t));
  const t1 = Math.max(...samples.map((sample) => sample.t), t0 + 1);
  const x = (t: number) => ((t - t0) / (t1 - t0)) * (width - 4) + 2;
  const scale = (values: readonly number[]) => {
    const max = Math.max(...values, 1);
    return (value: number) => height - 3 - (value / max) * (height - 8);
  };
  const add = (d: string, attributes: Record<string, string>) => {
    const element = document.createElementNS(svgNs, "path");
    element.setAttribute("d", d);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    svg.appendChild(element);
  };
  if (energy.length) {
    const y = scale(energy.map((sample) => sample.energyWh as number));
    const points = energy.map((sample) => [x(sample.t), y(sample.energyWh as number)] as const);
    const area = `${path(points)}L${points[points.length - 1][0].toFixed(1)},${height}L${points[0][0].toFixed(1)},${height}Z`;
    add(area, { fill: "rgba(36,99,235,0.15)", stroke: "none" });
    add(path(points), {
      fill: "none",
      stroke: "var(--energy)",
      "stroke-width": "1.5",
      class: "energy-line",
      "vector-effect": "non-scaling-stroke",
    });
  }
  if (power.length) {
    const y = scale(power.map((sample) => sample.powerW as number));
    const points = power.map((sample) => [x(sample.t), y(sample.powerW as number)] as const);
    add(path(points), {
      fill: "none",
      stroke: "var(--power)",
      "stroke-width": "1.2",
      "stroke-dasharray": "3 2",
      "vector-effect": "non-scaling-stroke",
    });
  }
  return svg;
}
