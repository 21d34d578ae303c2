/**
 * The shapes sent to the server and the kernel are what their protocols say; the metadata
 * writes ask the core (mlwa_notebook/metadata_change.py) with the blocks they touch, nothing
 * decided here.
 */
import { Debouncer } from '../src/debouncer';
import { isSetMetadataMessage, liveCellsMessage } from '../src/protocol';
import { checklistByPillar } from '../src/reportlookup';
import { trimOutputs } from '../src/trim';
import { radarPoints } from '../src/widgets/radargeometry';
import { metadataRequest, touchedCells } from '../src/writers';
import type { ICellState, ISetMetadataMessage, NotebookReport, PracticeState } from '../src/tokens';
import { PROTOCOL_VERSION } from '../src/tokens';

const OLD = '2026-01-02T10:00:00.000000Z';
const NEW = '2026-01-02T11:00:00.000000Z';

describe('kernel set_metadata messages', () => {
  const message: ISetMetadataMessage = {
    action: 'set_metadata',
    version: 1,
    path: 'a.ipynb',
    notebook: {
      checklist: {
        A: { state: 'na', reason: 'from %mlwa', updated: OLD },
        B: { state: 'done', updated: NEW }
      },
      ignore: { MLW005: 'pinned by the image' }
    },
    cells: {
      c1: { phase: 'model-training', ignore: { MLW004: 'seeded' } },
      c2: { phase: null },
      gone: { phase: 'setup' }
    }
  };

  it('should be recognised, and other comm data refused', () => {
    expect(isSetMetadataMessage(message)).toBe(true);
    // version 2 added the metadata route only: a version-1 kernel is read, a newer one is not
    expect(isSetMetadataMessage({ ...message, version: PROTOCOL_VERSION })).toBe(true);
    expect(isSetMetadataMessage({ ...message, version: PROTOCOL_VERSION + 1 })).toBe(false);
    expect(isSetMetadataMessage({ action: 'other' })).toBe(false);
    expect(isSetMetadataMessage('set_metadata')).toBe(false);
  });

  it('should be sent to the core as a patch with the blocks of the cells it touches', () => {
    const cells: { [id: string]: ICellState } = {
      c1: { mlwa: { ignore: { MLW001: 'ok' } }, tags: ['mlwa-phase:setup'] },
      c2: { mlwa: { phase: 'setup' } },
      other: { mlwa: { phase: 'deployment' } }
    };
    const block = { version: 1, checklist: { A: { state: 'done', updated: NEW } } };
    const change = { kind: 'patch' as const, notebook: message.notebook, cells: message.cells };
    const request = metadataRequest(block, id => cells[id], change);
    // the deleted cell is left out (the core drops its part), the untouched one is not sent
    expect(request).toEqual({
      version: PROTOCOL_VERSION,
      notebook: block,
      cells: { c1: cells['c1'], c2: cells['c2'] },
      change
    });
  });
});

describe('metadata requests', () => {
  it('should send an answer with the notebook block only, unstamped: the core stamps it', () => {
    const change = { kind: 'answer' as const, bp: 'A', state: 'done' as const, note: 'key=AKIA' };
    expect(touchedCells(change)).toEqual([]);
    expect(metadataRequest(undefined, () => undefined, change)).toEqual({
      version: PROTOCOL_VERSION,
      change
    });
  });

  it('should send the one cell an unsuppression names, and none for the notebook', () => {
    expect(touchedCells({ kind: 'unignore', key: 'MLW004', cell: 'c1', via: 'tag' })).toEqual([
      'c1'
    ]);
    expect(touchedCells({ kind: 'unignore', key: 'MLW004' })).toEqual([]);
  });

  it('should ask only for the stored answers when there is no change', () => {
    const block = { checklist: { A: 'done' } };
    expect(metadataRequest(block, () => undefined)).toEqual({
      version: PROTOCOL_VERSION,
      notebook: block
    });
  });
});

describe('what is sent', () => {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { mlwa: { version: 1 } },
    cells: [
      {
        id: 'a',
        cell_type: 'markdown',
        source: '# Train',
        metadata: {},
        attachments: { 'x.png': {} }
      },
      {
        id: 'b',
        cell_type: 'code',
        source: 'print(1)',
        metadata: {},
        execution_count: 1,
        outputs: [
          { output_type: 'stream', name: 'stdout', text: 'key=AKIA...' },
          {
            output_type: 'display_data',
            metadata: {},
            data: { 'image/png': 'iVBOR', 'text/plain': '<Figure>' }
          }
        ]
      }
    ]
  };

  it('should keep only the text of outputs for the analysis', () => {
    const trimmed = trimOutputs(notebook);
    const outputs = trimmed.cells[1]?.outputs ?? [];
    expect(outputs[0]).toEqual(notebook.cells[1]?.outputs?.[0]);
    expect(outputs[1]).toEqual({
      output_type: 'display_data',
      metadata: {},
      data: { 'text/plain': '<Figure>' }
    });
    expect(notebook.cells[1]?.outputs?.[1]?.data).toHaveProperty('image/png');
  });

  it('should send the kernel the cells without outputs, the metadata and the path', () => {
    const message = liveCellsMessage('work/a.ipynb', notebook);
    expect(message).toEqual({
      action: 'live_cells',
      version: PROTOCOL_VERSION,
      path: 'work/a.ipynb',
      cells: [
        { id: 'a', cell_type: 'markdown', source: '# Train', metadata: {} },
        { id: 'b', cell_type: 'code', source: 'print(1)', metadata: {}, execution_count: 1 }
      ],
      metadata: { mlwa: { version: 1 } }
    });
  });
});

describe('display helpers', () => {
  it('should group the checklist of one lens phase by pillar, in the framework order', () => {
    const practice = (id: string, pillar: string, phase: string): PracticeState => ({
      id,
      pillar,
      phase,
      title: id,
      question: '',
      risk: 'medium',
      state: 'open',
      source: null,
      cells: [],
      note: '',
      reason: '',
      kind: 'attested',
      by: '',
      updated: ''
    });
    const report = {
      checklist: [
        practice('S1', 'security', 'deployment'),
        practice('O1', 'operational-excellence', 'deployment'),
        practice('S2', 'security', 'deployment'),
        practice('M1', 'security', 'monitoring')
      ]
    } as unknown as NotebookReport;
    const groups = checklistByPillar(report, 'deployment');
    expect(groups.map(([p, items]) => [p, items.map(i => i.id)])).toEqual([
      ['operational-excellence', ['O1']],
      ['security', ['S1', 'S2']]
    ]);
  });

  it('should place radar points on their axes, the first one up, clamped to the chart', () => {
    const points = radarPoints([1, 0.5, 0, 2], 10, 50, 50);
    expect(points).toEqual([
      [50, 40],
      [55, 50],
      [50, 50],
      [40, 50]
    ]);
  });
});

describe('Debouncer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('should run once, after the last of many calls', () => {
    const action = jest.fn();
    const debouncer = new Debouncer(action, 500);
    for (let i = 0; i < 10; i++) {
      debouncer.schedule();
      jest.advanceTimersByTime(100);
    }
    expect(action).not.toHaveBeenCalled();
    jest.advanceTimersByTime(500);
    expect(action).toHaveBeenCalledTimes(1);
    expect(debouncer.pending).toBe(false);
  });

  it('should run at once on flush and not at all after cancel', () => {
    const action = jest.fn();
    const debouncer = new Debouncer(action, 500);
    debouncer.schedule();
    debouncer.flush();
    expect(action).toHaveBeenCalledTimes(1);
    debouncer.schedule();
    debouncer.cancel();
    jest.advanceTimersByTime(1000);
    expect(action).toHaveBeenCalledTimes(1);
  });
});
