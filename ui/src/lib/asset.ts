// URLs of thumbnails and full photos served by the app's `iris` custom protocol.

export type AssetKind = 'thumb' | 'photo';

/**
 * `iris://localhost/<kind>/<id>`; on Windows (WebView2) custom protocols are reached as
 * `http://iris.localhost/<kind>/<id>`.
 */
export function assetUrl(kind: AssetKind, id: string, userAgent: string = defaultUserAgent()): string {
  const path = `${kind}/${encodeURIComponent(id)}`;
  return userAgent.includes('Windows') ? `http://iris.localhost/${path}` : `iris://localhost/${path}`;
}

function defaultUserAgent(): string {
  return typeof navigator !== 'undefined' ? navigator.userAgent : '';
}
