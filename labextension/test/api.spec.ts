/**
 * Every failure of the server extension reaches the user as a message and a fix; a missing
 * server extension is named as such.
 */
import { ServerConnection } from '@jupyterlab/services';

import { ApiError, UNAVAILABLE_HINT, errorFromResponse, requestAPI } from '../src/api';

function settingsAnswering(status: number, body: string, contentType = 'application/json') {
  const calls: string[] = [];
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/user/me/',
    fetch: (async (input: RequestInfo | URL) => {
      calls.push(String(input instanceof Request ? input.url : input));
      return new Response(body, { status, headers: { 'Content-Type': contentType } });
    }) as typeof fetch
  });
  return { settings, calls };
}

describe('requestAPI', () => {
  it('should call the endpoint under the base URL and parse the JSON answer', async () => {
    const { settings, calls } = settingsAnswering(200, '[{"code": "MLW001"}]');
    const rules = await requestAPI<Array<{ code: string }>>('rules', {}, settings);
    expect(rules[0]?.code).toBe('MLW001');
    expect(calls[0]).toMatch(/^http:\/\/localhost:8888\/user\/me\/mlwa\/api\/rules/);
  });

  it('should pass on the message and hint of the server extension', async () => {
    const { settings } = settingsAnswering(
      413,
      JSON.stringify({
        message: 'the request body is 21.0 MB; the limit is 20 MB',
        hint: 'clear outputs'
      })
    );
    await expect(requestAPI('analyze', { method: 'POST', body: '{}' }, settings)).rejects.toEqual(
      expect.objectContaining({
        status: 413,
        message: expect.stringContaining('limit is 20 MB'),
        hint: 'clear outputs'
      })
    );
  });

  it('should say how to enable the server extension when the endpoint is missing', async () => {
    const { settings } = settingsAnswering(404, '<html>404: Not Found</html>', 'text/html');
    const error = await requestAPI('analyze', {}, settings).catch(e => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.hint).toBe(UNAVAILABLE_HINT);
    expect(error.hint).toContain('jupyter server extension enable mlwa_notebook');
  });

  it('should say that the server cannot be reached when the request fails', async () => {
    const settings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:1/',
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch
    });
    const error = await requestAPI('rules', {}, settings).catch(e => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toContain('cannot reach the Jupyter server');
  });
});

describe('errorFromResponse', () => {
  it('should give a hint for an error without one', () => {
    expect(errorFromResponse(403, '{"message": "Forbidden"}').hint).toContain('reload the page');
    expect(errorFromResponse(500, 'oops').hint).toContain('server log');
  });
});
