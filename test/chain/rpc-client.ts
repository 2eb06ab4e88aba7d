// Raw JSON-RPC calls for chain tests: the exact request and response, without web3.js in the way.
export interface RawResponse {
  status: number;
  json: unknown;
  text: string;
}

export async function postRaw(url: string, body: string): Promise<RawResponse> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, json, text };
}

/** Calls `method`; returns the whole JSON-RPC response object ({ result } or { error }). */
export async function rpc(
  url: string,
  method: string,
  params: unknown[] = [],
): Promise<{ result?: any; error?: { code: number; message: string; data?: any } }> {
  const { json } = await postRaw(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
  return json as { result?: any; error?: { code: number; message: string; data?: any } };
}
