/** ANSI colours, only for a terminal: off when the stream is not a TTY or NO_COLOR is set (no-color.org). */
export interface Palette {
  readonly enabled: boolean;
  paint(code: number, text: string): string;
}

export const Color = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 } as const;
export type Color = (typeof Color)[keyof typeof Color];

export function palette(stream: NodeJS.WriteStream): Palette {
  const enabled = stream.isTTY === true && !process.env.NO_COLOR;
  return { enabled, paint: enabled ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text };
}
