/**
 * Browser tests: a real `jupyter lab` on loopback, driven by Playwright (galata) with Debian's
 * chromium. Never downloads a browser: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 and /usr/bin/chromium.
 */
import * as fs from 'fs';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const PORT = Number(process.env.MLWA_UI_PORT ?? 8917);
// The server's root, where the tests find the saved notebooks on disk (workers inherit it).
process.env.JUPYTERLAB_GALATA_ROOT_DIR ??= path.resolve(__dirname, '.galata-root');
fs.mkdirSync(process.env.JUPYTERLAB_GALATA_ROOT_DIR, { recursive: true });
process.env.MLWA_UI_PORT = String(PORT);

module.exports = {
  ...baseConfig,
  reporter: [['list']],
  timeout: 90_000,
  expect: { timeout: 20_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  use: {
    ...baseConfig.use,
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1366, height: 900 },
    trace: 'off',
    video: 'off',
    launchOptions: {
      executablePath: process.env.MLWA_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    }
  },
  webServer: {
    command: 'jupyter lab --config jupyter_server_test_config.py',
    url: `http://127.0.0.1:${PORT}/lab`,
    timeout: 120_000,
    reuseExistingServer: false,
    // the server's log only when asked (MLWA_UI_SERVER_LOG=1): it is long
    stdout: 'ignore',
    stderr: process.env.MLWA_UI_SERVER_LOG ? 'pipe' : 'ignore'
  }
};
