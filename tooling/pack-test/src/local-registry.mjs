/**
 * A throwaway npm registry on 127.0.0.1 that serves only our packed tarballs, so a project installs
 * `@adaptive-sparse/cli` exactly as a user would from npm, but with our packages from the files just packed
 * (no network for them); everything else comes from the real registry (scoped `.npmrc` line).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

/** The packument npm asks for: one version with the manifest and where its tarball is. */
function packument(manifest, tarballUrl, bytes) {
  const integrity = `sha512-${createHash("sha512").update(bytes).digest("base64")}`;
  const shasum = createHash("sha1").update(bytes).digest("hex");
  const version = { ...manifest, _id: `${manifest.name}@${manifest.version}`, dist: { tarball: tarballUrl, integrity, shasum } };
  return { name: manifest.name, "dist-tags": { latest: manifest.version }, versions: { [manifest.version]: version } };
}

/**
 * Starts the registry for `packages` ({ manifest, file } per package). Resolves to its URL, the requests it
 * answered (to show what was fetched) and close(). Unknown names get 404 as on npm.
 */
export function startLocalRegistry(packages) {
  const served = [];
  const byName = new Map(packages.map((p) => [p.manifest.name, p]));
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname).slice(1);
    served.push(path);
    const tarball = packages.find((p) => path === `tarballs/${p.filename}`);
    if (tarball) return void response.writeHead(200, { "content-type": "application/octet-stream" }).end(readFileSync(tarball.file));
    const entry = byName.get(path);
    if (!entry) return void response.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
    const { port } = server.address();
    const body = packument(entry.manifest, `http://127.0.0.1:${port}/tarballs/${entry.filename}`, readFileSync(entry.file));
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}/`, served, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

/** The registry entries for npm pack's report (`packed`) of tarballs in `dir`, manifests from the repo. */
export function registryEntries(repoRoot, packed, dir) {
  return packed.map((p) => ({
    manifest: JSON.parse(readFileSync(join(repoRoot, "packages", p.name.split("/")[1], "package.json"), "utf8")),
    filename: p.filename,
    file: join(dir, p.filename),
  }));
}
