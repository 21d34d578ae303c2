/**
 * A change the user made that could not be written into the notebook is told, never dropped
 * silently: what failed and how to fix it.
 */
import { Notification } from '@jupyterlab/apputils';

import { ApiError } from './api';

/** Tell the user `what` was not written, with the server's message and hint. */
export function notifyNotWritten(what: string, reason: unknown): void {
  const text = reason instanceof ApiError ? `${reason.message}. ${reason.hint}` : String(reason);
  Notification.error(`mlwa: ${what} was not written into the notebook: ${text}`, {
    autoClose: false
  });
}
