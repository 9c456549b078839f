/**
 * The errors node gives for a module that cannot be found, with its codes
 * and wording, so that what a user reads (and what a doctest expects) is
 * what node would have said: `Cannot find module '/abs/src/x' imported from
 * /abs/README.md` (ERR_MODULE_NOT_FOUND) for an import, and `Cannot find
 * module './x'` with the require stack (MODULE_NOT_FOUND) for a require.
 */
export function moduleNotFound(specifier: string, target: string, importer: string, mode: "import" | "require", bare: boolean): Error {
  if (mode === "require") {
    const error = new Error(`Cannot find module '${specifier}'\nRequire stack:\n- ${importer}`) as NodeJS.ErrnoException & { requireStack?: string[] };
    error.code = "MODULE_NOT_FOUND";
    error.requireStack = [importer];
    return error;
  }
  const error = new Error(bare ? `Cannot find package '${specifier}' imported from ${importer}` : `Cannot find module '${target}' imported from ${importer}`) as NodeJS.ErrnoException;
  error.code = "ERR_MODULE_NOT_FOUND";
  return error;
}

/** `require()` of a module that awaits at top level: it cannot be evaluated synchronously (node 22's ERR_REQUIRE_ASYNC_MODULE). */
export function requireAsyncModule(file: string): Error {
  const error = new Error(`require() cannot be used on ${file}: it uses top-level await; use import() or a static import instead`) as NodeJS.ErrnoException;
  error.code = "ERR_REQUIRE_ASYNC_MODULE";
  return error;
}
