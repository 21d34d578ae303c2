/**
 * What Export asks: the format (each with the file it writes beside the notebook), then, when
 * that file exists, whether to replace it, as `mlwa export` wants `--force`.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { Widget } from '@lumino/widgets';

import type { IExportTarget } from '../api';
import { h } from './dom';

/** The chosen target and whether the user agreed to replace it, or null when cancelled. */
export interface IExportChoice {
  target: IExportTarget;
  overwrite: boolean;
}

class FormatChooser extends Widget implements Dialog.IBodyWidget<IExportTarget | undefined> {
  constructor(private readonly targets: readonly IExportTarget[]) {
    super();
    this.addClass('mlwa-ExportDialog');
    const list = h('div', { role: 'radiogroup', 'aria-label': 'Export format' });
    targets.forEach((t, i) => {
      const id = `mlwa-export-${t.format}`;
      list.append(
        h(
          'label',
          { class: 'mlwa-ExportFormat', for: id, 'data-format': t.format },
          h('input', {
            type: 'radio',
            name: 'mlwa-export-format',
            id,
            value: t.format,
            checked: i === 0
          }),
          h('span', { class: 'mlwa-ExportFormat-name' }, t.format),
          h('span', { class: 'mlwa-Muted', title: t.path }, ` → ${PathExt.basename(t.path)}`),
          t.exists ? h('span', { class: 'mlwa-ExportFormat-exists' }, ' (exists)') : null
        )
      );
    });
    this.node.append(list);
  }

  getValue(): IExportTarget | undefined {
    const chosen = this.node.querySelector<HTMLInputElement>('input:checked')?.value;
    return this.targets.find(t => t.format === chosen);
  }
}

/** Ask for the format, then for consent to replace an existing file. */
export async function chooseExport(
  targets: readonly IExportTarget[]
): Promise<IExportChoice | null> {
  const picked = await showDialog({
    title: 'Export the review',
    body: new FormatChooser(targets),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Export' })]
  });
  const target = picked.button.accept ? picked.value : undefined;
  if (!target) {
    return null;
  }
  if (!target.exists) {
    return { target, overwrite: false };
  }
  return (await confirmReplace(target.path)) ? { target, overwrite: true } : null;
}

/** Whether the user agrees to replace the earlier review at `path`. */
export async function confirmReplace(path: string): Promise<boolean> {
  const answer = await showDialog({
    title: 'Replace the earlier review?',
    body: `${path} exists. Export over it?`,
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Replace' })]
  });
  return answer.button.accept;
}
