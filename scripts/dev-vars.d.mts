export function parseDevVars(text: string): Record<string, string>;
export function readDevVars(path: string): Record<string, string>;
