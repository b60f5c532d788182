// Dawn's binding has no enumeration: asking for an adapter named by a string no adapter has makes
// it reject with "Available adapters:" and one line per adapter, which is parsed here.
type Create = (flags: string[]) => { requestAdapter(): Promise<{ info: { description?: string; device?: string } } | null> };

/** The names of the adapters a new Dawn instance sees, e.g. ['NVIDIA H200', ...]; [] for none. */
export async function adapterNames(create: Create): Promise<string[]> {
  try {
    const adapter = await create(['adapter=\u0001no such adapter']).requestAdapter();
    return adapter ? [adapter.info.description || adapter.info.device || '?'] : [];
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const names = [...message.matchAll(/^\s*\*\s*backend: '[^']*', name: '(.*)'\s*$/gm)].map((m) => m[1]);
    if (names.length > 0 || /no suitable|Available adapters/i.test(message)) return names;
    throw e;
  }
}
