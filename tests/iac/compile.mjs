// Compile .railway/railway.ts files to the SDK's JSON graph: the oracle of the static reader
// (etc_policy/sources/railway_ts.py). Node 20 cannot strip types and the SDK declares
// Node >= 22, so esbuild strips them first (IAC.md, "Evaluating it here").
// Usage: node compile.mjs ENVIRONMENT FILE...  → one JSON object {file: graph | {error}} on stdout.
// The programs run with an empty process.env (set by the caller) and never reach the network.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { transformSync } from "esbuild";
import { createRailwayContext } from "railway/iac";

const here = fileURLToPath(new URL(".", import.meta.url));
const [environment, ...files] = process.argv.slice(2);
// ESM resolves `railway/iac` from the importing file's folder: the stripped module must sit
// beside this script's node_modules (NODE_PATH is ignored by ESM).
const scratch = mkdtempSync(join(here, ".compiled-"));
const out = {};
try {
  for (const file of files) {
    try {
      const { code } = transformSync(readFileSync(file, "utf8"), { loader: "ts", format: "esm" });
      const stripped = join(scratch, basename(file).replace(/\.[^.]+$/, "") + ".mjs");
      writeFileSync(stripped, code);
      const module = await import(pathToFileURL(stripped).href);
      const program = module.default ?? module.main ?? module.Railway;
      const ctx = createRailwayContext({ environment });
      const graph = typeof program === "function"
        ? await program(ctx, (name, definition) => ({ name, ...definition }))
        : program;
      out[basename(file)] = JSON.parse(JSON.stringify(graph));
    } catch (error) {
      out[basename(file)] = { error: String(error && error.message || error) };
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(out, null, 1));
