/**
 * The sidebar in a real JupyterLab: phases, checklist and findings of an example notebook; a
 * ticked item survives save and reload and is in the .ipynb on disk; a finding selects its cell;
 * a phase override changes the cell's badge (and undo takes it back).
 */
import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

import { EXAMPLE, ROOT, SCREENSHOTS, SOURCE, activeCellId, openExample } from './helpers';

const SCREENSHOT = path.join(SCREENSHOTS, 'sidebar.png');
const SECRET_NOTE = 'old key AKIAIOSFODNN7EXAMPLE rotated';

test.use({ autoGoto: true });

test.describe('the ML Well-Architected sidebar', () => {
  test('shows phases, checklist and findings; a ticked item is saved with the notebook', async ({
    page,
    tmpPath
  }) => {
    // Given the messy example open, with the sidebar
    await openExample(page, tmpPath);
    const sidebar = page.locator('.mlwa-Sidebar');

    // Then every cell has a phase badge, the findings and the checklist are listed
    await expect(page.locator('.jp-Notebook .mlwa-CellBadge').first()).toBeVisible();
    expect(await page.locator('.jp-Notebook .mlwa-CellBadge').count()).toBeGreaterThan(5);
    await expect(page.locator('.mlwa-CellBadge[data-findings="2"]').first()).toBeVisible();
    expect(await sidebar.locator('[data-testid="mlwa-finding"]').count()).toBeGreaterThanOrEqual(3);
    await expect(sidebar.locator('.mlwa-Finding[data-code="MLW003"]').first()).toBeVisible();
    await expect(sidebar.locator('.mlwa-Item').first()).toBeVisible();
    await expect(sidebar.locator('.mlwa-Radar')).toBeVisible();

    // When an open checklist item is ticked as done, and the notebook saved
    const phase = await sidebar.locator('.mlwa-Checklist').getAttribute('data-phase');
    const open = sidebar.locator('.mlwa-Item[data-answer="open"][data-state="open"]').first();
    const bp = ((await open.getAttribute('data-testid')) ?? '').replace('mlwa-item-', '');
    expect(bp).not.toBe('');
    const ticked = sidebar.locator(`[data-testid="mlwa-item-${bp}"]`);
    await ticked.getByLabel('Done').check();
    await expect(ticked).toHaveAttribute('data-answer', 'done');
    await expect(ticked).toHaveAttribute('data-state', 'met');
    await expect(sidebar.locator('.mlwa-Item[data-answer="done"]')).toHaveCount(1);
    // And a note that looks like a secret is typed (the report masks it; the notebook must not)
    const note = ticked.getByLabel(`Note (${bp})`);
    await note.fill(SECRET_NOTE);
    await note.press('Enter');
    await expect
      .poll(() =>
        page.evaluate(id => {
          const app = (window as unknown as { jupyterapp: { shell: { currentWidget: unknown } } })
            .jupyterapp;
          const panel = app.shell.currentWidget as {
            context: { model: { sharedModel: { getMetadata(key: string): unknown } } };
          };
          const block = panel.context.model.sharedModel.getMetadata('mlwa') as
            | { checklist?: { [bp: string]: { note?: string } } }
            | undefined;
          return block?.checklist?.[id]?.note ?? '';
        }, bp)
      )
      .toBe(SECRET_NOTE);
    await page.notebook.save();

    // Then the .ipynb on disk holds the answer, in the core's shape
    const saved = JSON.parse(fs.readFileSync(path.join(ROOT, tmpPath, EXAMPLE), 'utf8'));
    const entry = saved.metadata.mlwa.checklist[bp];
    expect(entry.state).toBe('done');
    expect(entry.updated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(entry.note).toBe(SECRET_NOTE);

    // (the README's screenshot: the panel up to date, on a cell with findings)
    await sidebar
      .locator('.mlwa-Finding[data-code="MLW003"] [data-testid="mlwa-finding"]')
      .first()
      .click();
    await expect(sidebar.locator('[data-testid="mlwa-active-phase"]')).toBeVisible();
    await expect(sidebar.locator('.mlwa-Status')).toHaveAttribute('data-status', 'done');
    await expect(sidebar.locator('.mlwa-Radar')).toBeVisible();
    await page.setViewportSize({ width: 1366, height: 1500 });
    await sidebar.evaluate(node => node.scrollTo(0, 0));
    // A change the click or the resize set off may have started another analysis since: the
    // picture is of the panel once that one is done too.
    await expect(sidebar.locator('.mlwa-Status')).toHaveAttribute('data-status', 'done');
    await sidebar.screenshot({ path: SCREENSHOT });
    if (process.env.MLWA_UI_FULL_SCREENSHOT) {
      await page.screenshot({ path: process.env.MLWA_UI_FULL_SCREENSHOT });
    }
    await page.setViewportSize({ width: 1366, height: 900 });

    // And after a reload the item is still ticked
    await page.reload({ waitForIsReady: false });
    await openExample(page, tmpPath);
    const again = page.locator(`.mlwa-Sidebar [data-testid="mlwa-item-${bp}"]`);
    await page.locator('#mlwa-checklist-phase').selectOption(phase ?? '');
    await expect(again).toHaveAttribute('data-answer', 'done');
    await expect(again.getByLabel('Done')).toBeChecked();
  });

  test('a click on a finding selects its cell', async ({ page, tmpPath }) => {
    await openExample(page, tmpPath);
    const findings = page.locator('.mlwa-Sidebar [data-testid="mlwa-finding"]');
    const last = findings.last();
    const target = await last.getAttribute('data-cell-id');
    expect(target).toBeTruthy();
    expect(await activeCellId(page)).not.toBe(target);

    await last.click();

    await expect.poll(() => activeCellId(page)).toBe(target);
  });

  test('overriding a phase changes the badge, and undo takes it back', async ({
    page,
    tmpPath
  }) => {
    await openExample(page, tmpPath);
    // Given the cell of the first finding, active
    const finding = page.locator('.mlwa-Sidebar [data-testid="mlwa-finding"]').first();
    const cellId = (await finding.getAttribute('data-cell-id')) ?? '';
    await finding.click();
    await expect.poll(() => activeCellId(page)).toBe(cellId);
    const badge = page.locator('.jp-Notebook .jp-Cell.jp-mod-active .mlwa-CellBadge');
    await expect(badge).toHaveAttribute('data-source', 'inferred');
    const inferred = await badge.getAttribute('data-phase');
    const chosen = inferred === 'deployment' ? 'monitoring' : 'deployment';

    // When the user sets its phase in the sidebar
    await page.locator('.mlwa-Sidebar .mlwa-PhaseSelect').selectOption(chosen);

    // Then the badge shows it as set by the user, and so does the sidebar
    await expect(badge).toHaveAttribute('data-phase', chosen);
    await expect(badge).toHaveAttribute('data-source', 'explicit');
    await expect(page.locator('[data-testid="mlwa-active-phase"]')).toHaveText(chosen);

    // And undo in the cell takes the change back
    await page.locator('.jp-Notebook .jp-Cell.jp-mod-active .cm-content').click();
    await page.keyboard.press('Control+z');
    await expect(badge).toHaveAttribute('data-source', 'inferred');
    await expect(badge).toHaveAttribute('data-phase', inferred ?? '');
  });
});

test.describe('the kernel and the sidebar', () => {
  test('%mlwa sees unsaved cells, and what it sets lands in the open notebook', async ({
    page,
    tmpPath
  }) => {
    // Given a new notebook whose cells are typed, not saved
    await page.notebook.createNew('live.ipynb');
    await page.notebook.setCell(0, 'code', '%load_ext mlwa_notebook');
    await page.notebook.addCell(
      'code',
      '%mlwa phase deployment\n%mlwa answer MLOPS03-BP01 done answered from the kernel'
    );

    const onDisk = fs.readFileSync(path.join(ROOT, tmpPath, 'live.ipynb'), 'utf8');
    expect(onDisk).not.toContain('%mlwa phase');

    // When the extension is loaded, then the magics run
    await page.notebook.runCell(0);
    await page.notebook.runCell(1);
    expect(await page.notebook.getCellTextOutput(1)).not.toContainEqual(
      expect.stringContaining('Error')
    );

    // Then the kernel's changes are in the notebook model (not only on disk)
    const state = await page.evaluate(() => {
      const app = (window as unknown as { jupyterapp: { shell: { currentWidget: unknown } } })
        .jupyterapp;
      const panel = app.shell.currentWidget as {
        context: {
          model: {
            sharedModel: { getMetadata(key: string): unknown };
            cells: { get(i: number): { sharedModel: { getMetadata(key: string): unknown } } };
          };
        };
      };
      const model = panel.context.model;
      return {
        notebook: model.sharedModel.getMetadata('mlwa') as
          { checklist?: { [bp: string]: { state: string; note?: string } } } | undefined,
        cell: model.cells.get(1).sharedModel.getMetadata('mlwa') as { phase?: string } | undefined
      };
    });
    expect(state.cell?.phase).toBe('deployment');
    expect(state.notebook?.checklist?.['MLOPS03-BP01']).toMatchObject({
      state: 'done',
      note: 'answered from the kernel'
    });
    // And the badge shows the phase as set by the user
    const badge = page.locator('.jp-Notebook .jp-Cell').nth(1).locator('.mlwa-CellBadge');
    await expect(badge).toHaveAttribute('data-phase', 'deployment');
    await expect(badge).toHaveAttribute('data-source', 'explicit');
  });
});

test.describe('Run All', () => {
  test('cells after %load_ext see the live cells in the same run', async ({ page }) => {
    const errors: string[] = [];
    page.on('console', message => {
      if (message.type() === 'error') {
        errors.push(message.text());
      }
    });
    // Given a new notebook whose cells are typed, not saved, some before the extension loads
    await page.notebook.createNew('runall.ipynb');
    await page.notebook.setCell(0, 'code', 'x = 1');
    await page.notebook.addCell('code', 'y = 2');
    await page.notebook.addCell('code', '%load_ext mlwa_notebook');
    await page.notebook.addCell('code', '%mlwa status');

    // When every cell runs in one go (all scheduled before the extension is loaded)
    await page.notebook.run();

    // Then the status says it analysed the live cells, not a saved file
    const output = (await page.notebook.getCellTextOutput(3)) ?? [];
    expect(output.join('\n')).toContain('analysed: the live cells of');
    // And the comms the kernel refused before %load_ext left no error in the console
    await page.waitForTimeout(500); // the kernel's last comm_close
    expect(errors.filter(e => e.includes('Comm not found'))).toEqual([]);
  });
});

test.describe('Notebook 7', () => {
  test('the sidebar works in the right panel', async ({ browser, baseURL, tmpPath, page }) => {
    // Given the example in the test folder (through JupyterLab's fixture, which made the folder)
    const target = `${tmpPath}/${EXAMPLE}`;
    await page.contents.uploadFile(SOURCE, target);
    const errors: string[] = [];
    const notebook7 = await browser.newPage();
    notebook7.on('pageerror', error => errors.push(String(error.stack)));

    // When it is opened in Notebook 7 and its right panel shows the sidebar
    await notebook7.goto(`${baseURL}/notebooks/${target}`);
    await expect(notebook7.locator('.jp-Notebook .jp-Cell').first()).toBeVisible();
    await notebook7.waitForFunction(() => 'jupyterapp' in window);
    await notebook7.evaluate(() =>
      (
        window as unknown as { jupyterapp: { shell: { activateById(id: string): void } } }
      ).jupyterapp.shell.activateById('mlwa-sidebar')
    );

    // Then it shows the findings and the cells their badges, without errors of ours
    await expect(
      notebook7.locator('#mlwa-sidebar [data-testid="mlwa-finding"]').first()
    ).toBeVisible();
    await expect(notebook7.locator('.jp-Notebook .mlwa-CellBadge').first()).toBeVisible();
    // (Notebook 7 itself reports two errors under this test server; none may come from us)
    expect(errors.filter(e => e.includes('mlwa'))).toEqual([]);
    await notebook7.close();
  });
});
