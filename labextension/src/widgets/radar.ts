/**
 * The plotly radar the server built (`report.radar`), rendered by the plotly mime renderer that
 * JupyterLab has when plotly is installed. Without either, the sidebar draws its SVG radar.
 */
import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';

import { PLOTLY_MIME } from '../tokens';

export class RadarView {
  constructor(private readonly rendermime: IRenderMimeRegistry | null) {}

  /**
   * A placeholder for the plotly radar (null when it cannot be shown: the caller draws its own).
   * The renderer is built once per figure and moved into each new placeholder by `mount`.
   */
  host(figure: { [key: string]: unknown } | null): HTMLElement | null {
    if (!figure || !this.rendermime?.mimeTypes.includes(PLOTLY_MIME)) {
      return null;
    }
    const key = JSON.stringify(figure);
    if (key !== this._key) {
      this._renderer?.dispose();
      this._key = key;
      this._renderer = this.rendermime.createRenderer(PLOTLY_MIME);
      this._renderer.addClass('mlwa-PlotlyRadar');
      const data = { [PLOTLY_MIME]: fitToSidebar(figure) } as ReadonlyPartialJSONObject;
      void this._renderer.renderModel(new MimeModel({ data }));
    }
    const host = document.createElement('div');
    host.className = 'mlwa-RadarHost';
    return host;
  }

  /** Detach the renderer before its placeholder is thrown away. */
  unmount(): void {
    if (this._renderer?.isAttached) {
      Widget.detach(this._renderer);
    }
  }

  /** Attach the renderer into the placeholder now in `root`. */
  mount(root: HTMLElement): void {
    const host = root.querySelector<HTMLElement>('.mlwa-RadarHost');
    if (host && this._renderer && !this._renderer.isAttached) {
      Widget.attach(this._renderer, host);
    }
  }

  dispose(): void {
    this._renderer?.dispose();
    this._renderer = null;
  }

  private _key = '';
  private _renderer: IRenderMime.IRenderer | null = null;
}

/** The figure sized for a narrow panel: presentation only, the data is left as it is. */
function fitToSidebar(figure: { [key: string]: unknown }): { [key: string]: unknown } {
  const layout = (figure['layout'] ?? {}) as { [key: string]: unknown };
  const config = (figure['config'] ?? {}) as { [key: string]: unknown };
  // The section is titled already; the panel is narrow: no title, no width, no mode bar.
  const { width: _width, title: _title, ...rest } = layout;
  return {
    ...figure,
    layout: { ...rest, autosize: true, height: 280, margin: { l: 60, r: 60, t: 20, b: 20 } },
    config: { ...config, displayModeBar: false, responsive: true }
  };
}
