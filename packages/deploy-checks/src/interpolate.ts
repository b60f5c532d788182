/**
 * Compose's variable interpolation, for the forms the Compose Specification defines: $$ (a literal
 * $), $VAR, ${VAR}, ${VAR:-default} (unset or empty), ${VAR-default} (unset), ${VAR:?message} and
 * ${VAR?message} (an error), ${VAR:+alt} and ${VAR+alt}. Nested expressions are not supported.
 */
export function interpolate(text: string, env: Readonly<Record<string, string | undefined>>): string {
  const pattern = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
  return text.replace(pattern, (whole, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = env[name];
    const unset = value === undefined;
    const missing = unset || (op?.startsWith(':') === true && value === '');
    switch (op?.replace(':', '')) {
      case '-':
        return missing ? (arg ?? '') : (value as string);
      case '?':
        if (missing) throw new Error(`required variable ${name} is missing a value: ${arg ?? ''}`);
        return value as string;
      case '+':
        return missing ? '' : (arg ?? '');
      default:
        return value ?? '';
    }
  });
}

/** Interpolates every string value of a parsed document (keys are left alone, as Compose does). */
export function interpolateTree(node: unknown, env: Readonly<Record<string, string | undefined>>): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((n) => interpolateTree(n, env));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateTree(v, env)]));
  }
  return node;
}
