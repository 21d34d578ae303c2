/**
 * The one way the front end talks to the server extension (`{base_url}/mlwa/api/...`).
 * `ServerConnection.makeRequest` adds the token and the XSRF header; every failure becomes an
 * `ApiError` whose message says what to do.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import type { IMetadataAnswer, IMetadataRequest, MlwaReport } from './tokens';

export const UNAVAILABLE_HINT =
  'server extension is unavailable: run `jupyter server extension enable mlwa_notebook` ' +
  'and restart Jupyter';

/** A failed request: `message` says what went wrong, `hint` what to do about it. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly status: number
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The error for an answer that is not OK. The server extension answers JSON
 * `{message, hint}`; anything else (an HTML 404 page, a proxy error) means it is not there.
 */
export function errorFromResponse(status: number, body: string): ApiError {
  let data: unknown = null;
  try {
    data = JSON.parse(body);
  } catch {
    // not JSON: not our extension's answer
  }
  if (typeof data === 'object' && data !== null && 'message' in data) {
    const { message, hint } = data as { message?: unknown; hint?: unknown };
    if (status === 404 && typeof hint !== 'string') {
      return new ApiError(`the mlwa endpoint was not found (${status})`, UNAVAILABLE_HINT, status);
    }
    return new ApiError(
      String(message),
      typeof hint === 'string' && hint ? hint : hintFor(status),
      status
    );
  }
  if (status === 404) {
    return new ApiError(`the mlwa endpoint was not found (${status})`, UNAVAILABLE_HINT, status);
  }
  return new ApiError(`the server answered ${status}`, hintFor(status), status);
}

function hintFor(status: number): string {
  if (status === 403) {
    return 'reload the page to sign in again';
  }
  if (status >= 500) {
    return 'see the Jupyter server log for the cause';
  }
  return UNAVAILABLE_HINT;
}

/** Call `endpoint` under `mlwa/api/` and parse its JSON answer. */
export async function requestAPI<T>(
  endpoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  // the query is kept out of the path joining (which would normalise a path inside it)
  const [name, query] = endpoint.split('?', 2);
  const url = URLExt.join(settings.baseUrl, 'mlwa', 'api', name ?? '') + (query ? `?${query}` : '');
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    if (init.signal?.aborted) {
      throw error; // the caller abandoned the request: not a failure to report
    }
    throw new ApiError(
      `cannot reach the Jupyter server (${String(error)})`,
      'check that Jupyter is still running, then reload the page',
      0
    );
  }
  const body = await response.text();
  if (!response.ok) {
    throw errorFromResponse(response.status, body);
  }
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new ApiError('the server answered something that is not JSON', UNAVAILABLE_HINT, 0);
  }
}

/** The report of a notebook as it is in the editor (unsaved edits included). */
export function analyzeNotebook(
  notebook: unknown,
  path: string,
  disabledRules: readonly string[],
  signal?: AbortSignal
): Promise<MlwaReport> {
  return requestAPI<MlwaReport>('analyze', {
    method: 'POST',
    body: JSON.stringify({ notebook, path, disabled_rules: disabledRules }),
    signal
  });
}

/** What `POST export` answers (mlwa_notebook/server/handlers.py ExportHandler). */
export interface IExportAnswer {
  /** Where the export was written: a contents API path beside the notebook. */
  path: string;
  format: string;
  media_type: string;
  findings: number;
  masked: number;
  /** A sentence for the user. */
  message: string;
}

/** One format `GET export` offers: where its export of the notebook goes, and whether a file
 * is there already (an earlier review, replaced only when the user agrees). */
export interface IExportTarget {
  format: string;
  path: string;
  exists: boolean;
}

/** The formats of `mlwa export`, in its order, with their targets beside the notebook. */
export async function exportTargets(path: string): Promise<IExportTarget[]> {
  const query = new URLSearchParams({ path }).toString();
  const answer = await requestAPI<{ formats: IExportTarget[] }>(`export?${query}`);
  return answer.formats;
}

/**
 * Export the review of the notebook as it is in the editor (`mlwa export`), written beside it.
 * An existing file is replaced only with `overwrite` (else the server answers 409), as the CLI
 * wants `--force`.
 */
export function exportNotebook(
  notebook: unknown,
  path: string,
  format = 'ipynb',
  overwrite = false
): Promise<IExportAnswer> {
  return requestAPI<IExportAnswer>('export', {
    method: 'POST',
    body: JSON.stringify({ notebook, path, format, overwrite })
  });
}

/**
 * What one metadata change writes, decided by the core (mlwa_notebook/metadata_change.py): the
 * blocks to put into the model and the stored answers after it. The body holds what the user
 * typed, unmasked (it goes back into their notebook).
 */
export function decideMetadata(request: IMetadataRequest): Promise<IMetadataAnswer> {
  return requestAPI<IMetadataAnswer>('metadata', {
    method: 'POST',
    body: JSON.stringify(request)
  });
}
