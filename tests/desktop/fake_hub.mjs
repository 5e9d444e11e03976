// A stand-in for the Hugging Face hub on 127.0.0.1, for the end-to-end check of a model
// download: it serves the demo model's files (assets/demo-model) as any repo id, answers the
// hub's metadata request (Range: bytes=0-0 -> 206 with Content-Range, an ETag and
// X-Repo-Commit, as huggingface.co does) and sends the weights slowly, so that the window's
// download progress can be seen. Pointed at with HF_ENDPOINT.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";

/** Starts the server; resolves to { endpoint, close }. `bytesPerSecond` paces every file. */
export async function startFakeHub(modelDir, bytesPerSecond) {
  const server = createServer((req, res) => {
    const match = /^\/[^/]+\/[^/]+\/resolve\/[^/]+\/([^/?]+)/.exec(req.url ?? "");
    let body;
    try {
      body = match && readFileSync(join(modelDir, match[1]));
    } catch {
      body = null;
    }
    if (!body) {
      res.writeHead(404, { "x-error-code": "EntryNotFound" }).end();
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] !== "" ? Number(range[2]) : body.length - 1;
    const part = body.subarray(start, end + 1);
    res.writeHead(range ? 206 : 200, {
      "content-length": part.length,
      "content-range": `bytes ${start}-${end}/${body.length}`,
      etag: `"${createHash("sha256").update(body).digest("hex")}"`,
      "x-repo-commit": COMMIT,
    });
    const chunk = Math.max(1, Math.floor(bytesPerSecond / 10));
    let sent = 0;
    const timer = setInterval(() => {
      if (sent >= part.length || res.destroyed) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(part.subarray(sent, sent + chunk));
      sent += chunk;
    }, 100);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { endpoint: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}
