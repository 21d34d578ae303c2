/**
 * The panel as a newcomer meets it (issue 12): the active cell's findings and checklist first,
 * the notebook's parts below and collapsible (remembered); moving between cells rebuilds only
 * the active cell's part, also at 300 cells; the radar fits 250 px and follows the panel's width;
 * suppressions are listed and undone; Export asks for the format and before replacing a review;
 * the cell badge stays clear of the code and the cell toolbar; Notebook 7 has a View-menu entry.
 */
import { IJupyterLabPageFixture, expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

import { EXAMPLE, ROOT, SOURCE, openExample, openNotebook, selectCell } from './helpers';

test.use({ autoGoto: true });

/** Where the screenshots a person looks at go (not the README's: those are in docs/images). */
const LOOK = path.resolve(__dirname, '..', 'test-results', 'look');
fs.mkdirSync(LOOK, { recursive: true });

type Box = { x: number; y: number; width: number; height: number };

async function box(locator: Locator): Promise<Box> {
  const found = await locator.boundingBox();
  expect(found).not.toBeNull();
  return found as Box;
}

/** How far down the panel's content an element starts (px from the top of the panel). */
async function offsetInPanel(page: IJupyterLabPageFixture, selector: string): Promise<number> {
  return page.evaluate(sel => {
    const panel = document.querySelector('.mlwa-Sidebar') as HTMLElement;
    const node = panel.querySelector(sel) as HTMLElement;
    return node.getBoundingClientRect().top - panel.getBoundingClientRect().top + panel.scrollTop;
  }, selector);
}

/** How many times a part of the panel was rebuilt (`mlwa-section-findings`, `mlwa-part-…`). */
async function renders(page: IJupyterLabPageFixture, testid: string): Promise<number> {
  const value = await page
    .locator(`.mlwa-Sidebar [data-testid="${testid}"]`)
    .getAttribute('data-renders');
  return Number(value ?? '0');
}

/** The panel's own rendering time so far (ms, summed over its renders). */
async function renderMs(page: IJupyterLabPageFixture): Promise<number> {
  return Number((await page.locator('.mlwa-Sidebar').getAttribute('data-render-ms')) ?? '0');
}

/** `moves` presses of ArrowDown in command mode, each until the next two frames are drawn. */
async function arrowDown(page: IJupyterLabPageFixture, moves: number): Promise<number> {
  const frames = (): Promise<void> =>
    page.evaluate(
      () =>
        new Promise<void>(done => requestAnimationFrame(() => requestAnimationFrame(() => done())))
    );
  await frames();
  const start = Date.now();
  for (let i = 0; i < moves; i++) {
    await page.keyboard.press('ArrowDown');
    await frames();
  }
  return Date.now() - start;
}

/** A notebook of `n` cells: the messy example's cells again and again, each with its own id. */
function bigNotebook(n: number): string {
  const nb = JSON.parse(fs.readFileSync(SOURCE, 'utf8'));
  const cells = [];
  for (let i = 0; i < n; i++) {
    const cell = structuredClone(nb.cells[i % nb.cells.length]);
    cell.id = `big-${i}`;
    cells.push(cell);
  }
  return JSON.stringify({ ...nb, cells });
}

test.describe('the panel, in the order a reviewer reads it', () => {
  test('the active cell comes first, with its findings and checklist; the radar fits 250 px', async ({
    page,
    tmpPath
  }) => {
    // Given the messy example at the default sidebar width, on the cell with the secrets
    await openExample(page, tmpPath, 250);
    const sidebar = page.locator('.mlwa-Sidebar');
    await sidebar
      .locator(
        '[data-testid="mlwa-section-findings"] .mlwa-Finding[data-code="MLW003"] [data-testid="mlwa-finding"]'
      )
      .first()
      .click();
    await expect(sidebar.locator('.mlwa-Status')).toHaveAttribute('data-status', 'done');

    // Then the Active cell section holds this cell's findings, then its checklist
    const cellSection = sidebar.locator('[data-testid="mlwa-section-cell"]');
    await expect(cellSection.locator('.mlwa-Finding[data-code="MLW003"]').first()).toBeVisible();
    await expect(cellSection.locator('.mlwa-Checklist .mlwa-Item').first()).toBeVisible();
    const checklistTop = await offsetInPanel(
      page,
      '[data-testid="mlwa-section-cell"] .mlwa-Checklist'
    );
    const radarTop = await offsetInPanel(page, '.mlwa-Radar');
    const allTop = await offsetInPanel(page, '[data-testid="mlwa-section-findings"]');
    console.log(`messy example at 250 px: checklist starts ${Math.round(checklistTop)} px down`);
    expect(checklistTop).toBeLessThan(radarTop);
    expect(radarTop).toBeLessThan(allTop);

    // And nothing in the panel is wider than the panel
    const widths = await sidebar.evaluate(node => {
      const wide = [...node.querySelectorAll<HTMLElement>('*')].filter(
        e =>
          e.getBoundingClientRect().right >
          Math.min(
            node.getBoundingClientRect().right,
            node.parentElement?.getBoundingClientRect().right ?? Infinity
          ) +
            0.5
      );
      return {
        scroll: node.scrollWidth,
        client: node.clientWidth,
        wide: wide.slice(0, 5).map(e => e.className)
      };
    });
    expect(widths.wide).toEqual([]);
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);

    // And the radar's labels are inside the radar and the panel (nothing clipped), with a legend
    const radar = await box(sidebar.locator('.mlwa-Radar'));
    const panel = await box(sidebar);
    const labels = sidebar.locator('.mlwa-Radar-label');
    await expect(labels).toHaveCount(6);
    for (const label of await labels.all()) {
      const b = await box(label);
      expect(b.x).toBeGreaterThanOrEqual(Math.max(radar.x, panel.x) - 0.5);
      expect(b.x + b.width).toBeLessThanOrEqual(
        Math.min(radar.x + radar.width, panel.x + panel.width) + 0.5
      );
    }
    await expect(sidebar.locator('[data-testid="mlwa-radar-legend"]')).toContainText(
      'shown by the notebook alone'
    );
    await expect(sidebar.locator('[data-testid="mlwa-radar-legend"]')).toContainText(
      'violated by open findings'
    );
    await sidebar.evaluate(node => node.scrollTo(0, 0));
    await sidebar.screenshot({ path: path.join(LOOK, 'sidebar-250.png') });
    await sidebar.locator('[data-section="coverage"]').scrollIntoViewIfNeeded();
    await sidebar
      .locator('[data-section="coverage"]')
      .screenshot({ path: path.join(LOOK, 'radar-250.png') });

    // When the panel is made wider, the radar grows with it
    await page.sidebar.setWidth(480, 'right');
    await expect
      .poll(async () => (await box(sidebar.locator('.mlwa-Radar'))).width)
      .toBeGreaterThan(radar.width + 100);
  });

  test('a section the user closes stays closed after a reload', async ({ page, tmpPath }) => {
    await openExample(page, tmpPath);
    const coverage = page.locator('.mlwa-Sidebar details[data-section="coverage"]');
    await expect(coverage).toHaveAttribute('open', '');
    const saved = page.waitForRequest(
      r => r.url().includes('/api/workspaces') && r.method() === 'PUT'
    );
    await coverage.locator('summary').click();
    await expect(coverage).not.toHaveAttribute('open', '');
    await saved; // JupyterLab keeps its state database in the workspace

    await page.reload({ waitForIsReady: false });
    await openExample(page, tmpPath);

    await expect(
      page.locator('.mlwa-Sidebar details[data-section="coverage"]')
    ).not.toHaveAttribute('open', '');
    await expect(page.locator('.mlwa-Sidebar details[data-section="findings"]')).toHaveAttribute(
      'open',
      ''
    );
    await page.locator('.mlwa-Sidebar details[data-section="coverage"] summary').click();
  });

  test('at 300 cells, moving between cells rebuilds only the active cell part', async ({
    page,
    tmpPath
  }) => {
    // Given a notebook of 300 cells, analysed, with the panel open
    const target = `${tmpPath}/big.ipynb`;
    fs.writeFileSync(path.join(ROOT, target), bigNotebook(300));
    await openNotebook(page, target);
    await page.sidebar.openTab('mlwa-sidebar');
    await page.sidebar.setWidth(250, 'right');
    const sidebar = page.locator('.mlwa-Sidebar');
    await expect(sidebar.locator('.mlwa-Status')).toHaveAttribute('data-status', 'done', {
      timeout: 60_000
    });
    await expect(sidebar.locator('[data-testid="mlwa-finding"]').first()).toBeVisible();
    await selectCell(page, 3);
    await expect(
      sidebar.locator('[data-testid="mlwa-section-cell"] .mlwa-Checklist')
    ).toBeVisible();
    const checklistTop = await offsetInPanel(
      page,
      '[data-testid="mlwa-section-cell"] .mlwa-Checklist'
    );
    console.log(`300 cells at 250 px: checklist starts ${Math.round(checklistTop)} px down`);
    expect(checklistTop).toBeLessThan(await offsetInPanel(page, '.mlwa-Radar'));
    await sidebar.evaluate(node => node.scrollTo(0, 0));
    await sidebar.screenshot({ path: path.join(LOOK, 'sidebar-300-cells.png') });

    // When the notebook is analysed again, unchanged, nothing is rebuilt
    await selectCell(page, 0);
    const settled = {
      findings: await renders(page, 'mlwa-section-findings'),
      coverage: await renders(page, 'mlwa-section-coverage')
    };
    const again = page.waitForResponse(
      r => r.url().includes('/mlwa/api/analyze') && r.request().method() === 'POST'
    );
    await sidebar.locator('[data-mlwa-key="analyse"]').click();
    await again;
    await expect(sidebar.locator('.mlwa-Status')).toHaveAttribute('data-status', 'done');
    expect(await renders(page, 'mlwa-section-findings')).toBe(settled.findings);
    expect(await renders(page, 'mlwa-section-coverage')).toBe(settled.coverage);

    // When the user moves down 20 cells (the click left the focus in the panel)
    await selectCell(page, 0);
    const before = {
      phase: await renders(page, 'mlwa-part-cellphase'),
      findings: await renders(page, 'mlwa-section-findings'),
      coverage: await renders(page, 'mlwa-section-coverage'),
      suppressed: await renders(page, 'mlwa-section-suppressed')
    };
    const spentBefore = await renderMs(page);
    const open = await arrowDown(page, 20);

    // Then the active cell's part followed, and the notebook's parts were not rebuilt
    await expect(sidebar.locator('[data-testid="mlwa-active-phase"]')).toBeVisible();
    await expect(sidebar.locator('.mlwa-CellPhase-summary')).toContainText('cell 21');
    expect(await renders(page, 'mlwa-part-cellphase')).toBeGreaterThan(before.phase);
    expect(await renders(page, 'mlwa-section-findings')).toBe(before.findings);
    expect(await renders(page, 'mlwa-section-coverage')).toBe(before.coverage);
    expect(await renders(page, 'mlwa-section-suppressed')).toBe(before.suppressed);
    const spent = (await renderMs(page)) - spentBefore;

    // (the figures: the same 20 moves with the panel closed, then open and closed again, so
    // that a machine getting busier or quieter shows in both)
    const timings = { open: [open], closed: [] as number[] };
    for (const panelOpen of [false, true, false]) {
      if (panelOpen) {
        await page.sidebar.openTab('mlwa-sidebar');
        await expect(sidebar.locator('[data-testid="mlwa-active-phase"]')).toBeVisible();
      } else {
        await page.sidebar.close('right');
      }
      await selectCell(page, 0);
      (panelOpen ? timings.open : timings.closed).push(await arrowDown(page, 20));
    }
    const perMove = (runs: number[]): string =>
      `${runs.join(' + ')} ms (${(runs.reduce((a, b) => a + b, 0) / (20 * runs.length)).toFixed(1)} ms a move)`;
    console.log(
      `300 cells, 20 × ArrowDown: panel open ${perMove(timings.open)}, ` +
        `closed ${perMove(timings.closed)}; ` +
        `the panel's own rendering ${spent.toFixed(0)} ms (${(spent / 20).toFixed(1)} ms a move)`
    );
  });
});

test.describe('suppressions', () => {
  test('are listed with their reasons and can be undone from the panel', async ({
    page,
    tmpPath
  }) => {
    await openExample(page, tmpPath);
    const sidebar = page.locator('.mlwa-Sidebar');
    const all = sidebar.locator('[data-testid="mlwa-section-findings"]');
    // Given an open finding of the notebook, suppressed with a reason
    const finding = all.locator('.mlwa-Finding[data-code="MLW005"]').first();
    const cellId =
      (await finding.locator('[data-testid="mlwa-finding"]').getAttribute('data-cell-id')) ?? '';
    const count = await all.locator('.mlwa-Finding[data-code="MLW005"]').count();
    await finding.getByRole('button', { name: 'Suppress…' }).click();
    await all.getByPlaceholder('Why is this fine here?').fill('pinned by the image');
    await all.getByRole('button', { name: 'Suppress', exact: true }).click();

    // Then the Suppressed section lists it with the reason, and the findings no longer do
    const listed = sidebar.locator(
      `[data-testid="mlwa-suppressed"][data-code="MLW005"][data-cell-id="${cellId}"]`
    );
    await expect(listed).toContainText('“pinned by the image”');
    await expect(all.locator('.mlwa-Finding[data-code="MLW005"]')).toHaveCount(count - 1);
    await listed.scrollIntoViewIfNeeded();
    await sidebar
      .locator('[data-section="suppressed"]')
      .screenshot({ path: path.join(LOOK, 'suppressed.png') });

    // When it is undone from the panel
    await listed.getByRole('button', { name: 'Undo' }).click();

    // Then the finding counts again and the cell's metadata no longer holds the suppression
    await expect(listed).toHaveCount(0);
    await expect(all.locator('.mlwa-Finding[data-code="MLW005"]')).toHaveCount(count);
    const ignore = await page.evaluate(id => {
      const app = (window as unknown as { jupyterapp: { shell: { currentWidget: unknown } } })
        .jupyterapp;
      const panel = app.shell.currentWidget as {
        context: {
          model: {
            cells: {
              length: number;
              get(i: number): { id: string; sharedModel: { getMetadata(k: string): unknown } };
            };
          };
        };
      };
      const cells = panel.context.model.cells;
      for (let i = 0; i < cells.length; i++) {
        if (cells.get(i).id === id) {
          return (
            (cells.get(i).sharedModel.getMetadata('mlwa') as { ignore?: object } | undefined)
              ?.ignore ?? {}
          );
        }
      }
      return null;
    }, cellId);
    expect(ignore).toEqual({});
  });
});

test.describe('Export', () => {
  test('offers the formats and asks before replacing an earlier review', async ({
    page,
    tmpPath
  }) => {
    await openExample(page, tmpPath);
    const written = path.join(ROOT, tmpPath, EXAMPLE.replace('.ipynb', '.review.html'));
    const exportAs = async (format: string): Promise<void> => {
      await page.locator('.mlwa-Sidebar [data-mlwa-key="export"]').click();
      const dialog = page.locator('.jp-Dialog');
      await expect(dialog.locator('.mlwa-ExportFormat')).toHaveCount(6);
      for (const f of ['ipynb', 'html', 'markdown']) {
        await expect(dialog.locator(`.mlwa-ExportFormat[data-format="${f}"]`)).toBeVisible();
      }
      await dialog.locator(`.mlwa-ExportFormat[data-format="${format}"]`).click();
      await dialog.getByRole('button', { name: 'Export' }).click();
    };

    // When the review is exported as HTML the first time, nothing is asked
    await exportAs('html');
    await expect.poll(() => fs.existsSync(written)).toBe(true);
    expect(fs.readFileSync(written, 'utf8')).toContain('<html');

    // When it is exported again, over a file that is there, the user is asked, and may decline
    fs.writeFileSync(written, 'an earlier review');
    await page.locator('.mlwa-Sidebar [data-mlwa-key="export"]').click();
    await expect(page.locator('.jp-Dialog .mlwa-ExportFormat[data-format="html"]')).toContainText(
      '(exists)'
    );
    await page.locator('.jp-Dialog').screenshot({ path: path.join(LOOK, 'export-dialog.png') });
    await page.locator('.jp-Dialog').getByRole('button', { name: 'Cancel' }).click();
    await exportAs('html');
    const ask = page.locator('.jp-Dialog', { hasText: 'Replace the earlier review?' });
    await expect(ask).toBeVisible();
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await expect(ask).toHaveCount(0);
    expect(fs.readFileSync(written, 'utf8')).toBe('an earlier review');

    // And with their consent it is replaced
    await exportAs('html');
    await page
      .locator('.jp-Dialog', { hasText: 'Replace the earlier review?' })
      .getByRole('button', { name: 'Replace' })
      .click();
    await expect.poll(() => fs.readFileSync(written, 'utf8')).toContain('<html');
  });
});

test.describe('cell badges', () => {
  test('sit below the code, clear of long lines and of the cell toolbar', async ({
    page,
    tmpPath
  }) => {
    await openExample(page, tmpPath);
    // Given a one-line cell with a long line, active (so its toolbar shows)
    await page.notebook.addCell('code', `x = "${'a long line '.repeat(20)}"`);
    const cell = page.locator('.jp-Notebook .jp-Cell').last();
    await expect(cell.locator('.mlwa-CellBadge')).toBeVisible({ timeout: 30_000 });
    await cell.scrollIntoViewIfNeeded();
    const badge = await box(cell.locator('.mlwa-CellBadge'));
    const editor = await box(cell.locator('.jp-InputArea-editor'));
    expect(badge.y).toBeGreaterThanOrEqual(editor.y + editor.height - 1);
    const toolbar = cell.locator('.jp-cell-toolbar');
    if (await toolbar.isVisible()) {
      const t = await box(toolbar);
      const overlaps =
        badge.y < t.y + t.height &&
        t.y < badge.y + badge.height &&
        badge.x < t.x + t.width &&
        t.x < badge.x + badge.width;
      expect(overlaps).toBe(false);
    }
    await cell.screenshot({ path: path.join(LOOK, 'badge.png') });
  });
});

test.describe('Notebook 7', () => {
  test('the View menu opens the panel', async ({ browser, baseURL, tmpPath, page }) => {
    const target = `${tmpPath}/${EXAMPLE}`;
    await page.contents.uploadFile(SOURCE, target);
    const notebook7 = await browser.newPage();
    await notebook7.goto(`${baseURL}/notebooks/${target}`);
    await expect(notebook7.locator('.jp-Notebook .jp-Cell').first()).toBeVisible();

    await notebook7.locator('.lm-MenuBar-itemLabel', { hasText: /^View$/ }).click();
    await notebook7
      .locator('.lm-Menu-itemLabel', { hasText: 'Show the ML Well-Architected Panel' })
      .click();

    await expect(
      notebook7.locator('#mlwa-sidebar [data-testid="mlwa-finding"]').first()
    ).toBeVisible();
    await notebook7.setViewportSize({ width: 1366, height: 900 });
    await notebook7.screenshot({ path: path.join(LOOK, 'notebook7.png') });
    await notebook7.close();
  });
});

test.describe('%mlwa panel', () => {
  test('its buttons show their whole labels', async ({ page, tmpPath }) => {
    // Given the example, with a cell that shows the ipywidgets panel
    await openExample(page, tmpPath);
    await page.notebook.addCell('code', '%load_ext mlwa_notebook\n%mlwa panel');
    const count = await page.notebook.getCellCount();

    // When it runs
    await page.notebook.runCell(count - 1);

    // Then no button is cut: the checklist's answers ("do…", "op…"), Refresh
    const output = page
      .locator('.jp-Notebook .jp-Cell')
      .nth(count - 1)
      .locator('.jp-OutputArea');
    await output.getByRole('tab', { name: 'Checklist' }).click({ timeout: 60_000 });
    const buttons = output.locator('.widget-toggle-button, .widget-button');
    await expect(buttons.first()).toBeVisible();
    const cut = await buttons.evaluateAll(nodes =>
      nodes
        .filter(n => (n as HTMLElement).offsetParent !== null)
        .filter(n => n.scrollWidth > n.clientWidth + 1)
        .map(n => n.textContent)
    );
    expect(cut).toEqual([]);
    expect((await buttons.allTextContents()).map(t => t.trim())).toEqual(
      expect.arrayContaining(['done', 'n/a', 'open', 'Refresh'])
    );
    await buttons.first().scrollIntoViewIfNeeded();
    await output.screenshot({ path: path.join(LOOK, 'mlwa-panel.png') });
  });
});

test.describe('settings', () => {
  test('"Rules switched off" offers the rule list', async ({ page }) => {
    // When the settings of the extension are opened in the settings editor
    await page.evaluate(async () => {
      const app = (
        window as unknown as {
          jupyterapp: { commands: { execute(id: string, args?: object): Promise<unknown> } };
        }
      ).jupyterapp;
      await app.commands.execute('settingeditor:open', { query: 'ML Well-Architected' });
    });
    const form = page.locator('.jp-SettingsPanel, .jp-SettingsEditor').first();
    await expect(form.getByText('Rules switched off').first()).toBeVisible();

    // Then the field names the rules and suggests their codes and names
    await expect(form.getByText(/MLW005 unpinned-install/).first()).toBeVisible();
    // (an item's text field carries the suggestions)
    await form.getByRole('button', { name: 'Add item' }).first().click();
    await expect(page.locator('input[list]').first()).toBeVisible();
    const suggestions = await page
      .locator('datalist option')
      .evaluateAll(nodes => nodes.map(n => (n as HTMLOptionElement).value));
    expect(suggestions).toEqual(expect.arrayContaining(['MLW005', 'unpinned-install']));
    await page.screenshot({ path: path.join(LOOK, 'settings.png') });
  });
});
