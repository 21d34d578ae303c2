/**
 * The metadata writers agree with mlwa_notebook/metadata.py (same shapes, same merge rule), and
 * the shapes sent to the server and the kernel are what their protocols say.
 */
import { Debouncer } from '../src/debouncer';
import {
  answerEntry,
  applySetMetadata,
  mergeChecklist,
  notebookBlock,
  nowIso,
  readAnswers,
  tagsWithoutIgnore,
  tagsWithoutPhase,
  withAnswer,
  withCellPhase,
  withIgnore,
  withoutIgnore
} from '../src/metadata';
import { isSetMetadataMessage, liveCellsMessage } from '../src/protocol';
import { checklistByPillar } from '../src/reportlookup';
import { trimOutputs } from '../src/trim';
import { radarPoints } from '../src/widgets/radargeometry';
import type {
  IChecklistEntry,
  ISetMetadataMessage,
  NotebookReport,
  PracticeState
} from '../src/tokens';

const OLD = '2026-01-02T10:00:00.000000Z';
const NEW = '2026-01-02T11:00:00.000000Z';

describe('time stamps', () => {
  it('should be written in the core format, six fraction digits, so strings sort by time', () => {
    const stamp = nowIso(new Date(Date.UTC(2026, 0, 2, 10, 0, 0, 123)));
    expect(stamp).toBe('2026-01-02T10:00:00.123000Z');
    expect(stamp > '2026-01-02T10:00:00.122999Z').toBe(true);
    expect(stamp < '2026-01-02T10:00:00.123001Z').toBe(true);
  });
});

describe('checklist answers', () => {
  it('should leave out an empty note and reason, as set_answer does', () => {
    expect(answerEntry('done', { updated: OLD })).toEqual({ state: 'done', updated: OLD });
    expect(answerEntry('na', { reason: 'no PII', note: '', updated: OLD })).toEqual({
      state: 'na',
      reason: 'no PII',
      updated: OLD
    });
  });

  it('should stamp an answer with the current time when none is given', () => {
    const before = nowIso();
    expect(answerEntry('done').updated >= before).toBe(true);
  });

  it('should write one answer and keep the others and the rest of the block', () => {
    const stored = {
      version: 1,
      ignore: { MLW005: 'pinned' },
      checklist: { A: { state: 'na', updated: OLD } }
    };
    const block = withAnswer(stored, 'B', { state: 'done', updated: NEW });
    expect(block).toEqual({
      version: 1,
      ignore: { MLW005: 'pinned' },
      checklist: { A: { state: 'na', updated: OLD }, B: { state: 'done', updated: NEW } }
    });
    expect(stored.checklist).toEqual({ A: { state: 'na', updated: OLD } });
  });

  it('should create the block with its version when the notebook has none', () => {
    expect(withAnswer(undefined, 'A', { state: 'done', updated: OLD })).toEqual({
      version: 1,
      checklist: { A: { state: 'done', updated: OLD } }
    });
  });

  it('should merge item by item and keep whichever answer is newer', () => {
    const ours = {
      checklist: { A: { state: 'done', updated: NEW }, B: { state: 'open', updated: OLD } }
    };
    const merged = mergeChecklist(ours, {
      A: { state: 'na', reason: 'older', updated: OLD },
      B: { state: 'done', updated: NEW },
      C: { state: 'done', updated: OLD }
    });
    expect(merged.checklist).toEqual({
      A: { state: 'done', updated: NEW },
      B: { state: 'done', updated: NEW },
      C: { state: 'done', updated: OLD }
    });
  });

  it('should keep ours on a tie and replace a bare state stored by hand', () => {
    const merged = mergeChecklist(
      { checklist: { A: { state: 'done', updated: OLD }, B: 'done' } },
      { A: { state: 'na', updated: OLD }, B: { state: 'na', updated: OLD } }
    );
    expect(merged.checklist?.['A']?.state).toBe('done');
    expect(merged.checklist?.['B']).toEqual({ state: 'na', updated: OLD });
  });

  it('should read stored answers, bare states included, and skip malformed ones', () => {
    expect(
      readAnswers({
        checklist: {
          A: 'done',
          B: { state: 'na', reason: 'r', updated: OLD },
          C: { state: 'maybe' },
          D: 3
        }
      })
    ).toEqual({ A: { state: 'done', updated: '' }, B: { state: 'na', reason: 'r', updated: OLD } });
    expect(readAnswers(null)).toEqual({});
  });
});

describe('cell metadata', () => {
  it('should set and clear an explicit phase, keeping the rest of the block', () => {
    const set = withCellPhase({ ignore: { MLW004: 'seeded' } }, 'model-training');
    expect(set).toEqual({ version: 1, ignore: { MLW004: 'seeded' }, phase: 'model-training' });
    expect(withCellPhase(set, null)).toEqual({ version: 1, ignore: { MLW004: 'seeded' } });
  });

  it('should drop phase tags only when there are some', () => {
    expect(tagsWithoutPhase(['keep', 'mlwa-phase:setup'])).toEqual(['keep']);
    expect(tagsWithoutPhase(['keep'])).toBeNull();
    expect(tagsWithoutPhase(undefined)).toBeNull();
  });

  it('should add a suppression with its reason, converting a list of codes', () => {
    expect(withIgnore({ ignore: ['MLW001'] }, 'MLW004', 'seeded globally')).toEqual({
      version: 1,
      ignore: { MLW001: '', MLW004: 'seeded globally' }
    });
  });

  it('should take a suppression back by the key the report names, from a map or a list', () => {
    expect(withoutIgnore({ ignore: { MLW004: 'seeded', MLW001: 'x' } }, 'MLW004')).toEqual({
      version: 1,
      ignore: { MLW001: 'x' }
    });
    expect(
      withoutIgnore({ ignore: ['unseeded-randomness', 'MLW001'] }, 'unseeded-randomness')
    ).toEqual({
      version: 1,
      ignore: { MLW001: '' }
    });
    expect(withoutIgnore({ phase: 'setup' }, 'MLW004')).toEqual({ version: 1, phase: 'setup' });
  });

  it('should drop only the ignore tag of that key', () => {
    expect(tagsWithoutIgnore(['mlwa-ignore:MLW004', 'mlwa-ignore:MLW001', 'x'], 'MLW004')).toEqual([
      'mlwa-ignore:MLW001',
      'x'
    ]);
    expect(tagsWithoutIgnore(['mlwa-ignore:MLW001'], 'MLW004')).toBeNull();
  });

  it('should never change the block it was given', () => {
    const stored = { phase: 'setup', ignore: { A: 'x' } };
    withCellPhase(stored, 'deployment');
    withIgnore(stored, 'B', 'y');
    withoutIgnore(stored, 'A');
    notebookBlock(stored);
    expect(stored).toEqual({ phase: 'setup', ignore: { A: 'x' } });
  });
});

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
    expect(isSetMetadataMessage({ action: 'set_metadata', version: 2, cells: {} })).toBe(false);
    expect(isSetMetadataMessage({ action: 'other' })).toBe(false);
    expect(isSetMetadataMessage('set_metadata')).toBe(false);
  });

  it('should apply as a patch: newer answers win, keys are set, phases set or removed', () => {
    const cells: { [id: string]: unknown } = {
      c1: { ignore: { MLW001: 'ok' } },
      c2: { phase: 'setup' }
    };
    const result = applySetMetadata(
      message,
      { version: 1, checklist: { A: { state: 'done', updated: NEW } }, ignore: { MLW001: 'x' } },
      id => cells[id]
    );
    expect(result.notebook).toEqual({
      version: 1,
      checklist: { A: { state: 'done', updated: NEW }, B: { state: 'done', updated: NEW } },
      ignore: { MLW001: 'x', MLW005: 'pinned by the image' }
    });
    expect(result.cells.get('c1')).toEqual({
      block: { version: 1, phase: 'model-training', ignore: { MLW001: 'ok', MLW004: 'seeded' } },
      dropPhaseTags: true
    });
    expect(result.cells.get('c2')).toEqual({ block: { version: 1 }, dropPhaseTags: true });
    expect(result.cells.has('gone')).toBe(false);
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
      version: 1,
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

describe('one merge rule for both writers', () => {
  // The same cases run against mlwa_notebook/metadata.py in tests/server/test_merge_contract.py.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { cases } = require('./fixtures/checklist-merge.json') as {
    cases: Array<{
      name: string;
      ours: unknown;
      theirs: { [bp: string]: IChecklistEntry };
      expected: unknown;
    }>;
  };

  it.each(cases.map(c => [c.name, c] as const))('%s', (_name, c) => {
    expect(mergeChecklist(c.ours, c.theirs)).toEqual(c.expected);
  });
});
