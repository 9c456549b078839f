// Module customization hooks for bench/profile-doctest.mjs's listing pass
// (module.register): every module the ES module loader resolves is posted to
// the main thread, with the module that imported it. Used only to learn
// which modules a process loads, never while timing (the hooks run on a
// thread of their own and would slow the loading they watch).
let port;

export function initialize(data) {
  port = data.port;
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  port.postMessage({ url: resolved.url, parent: context.parentURL });
  return resolved;
}
