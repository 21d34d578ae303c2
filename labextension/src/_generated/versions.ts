/* eslint-disable */
/**
 * DO NOT EDIT: generated from mlwa_notebook/schema/protocol.schema.json by
 * `jlpm generate:types` (labextension/scripts/generate-types.js).
 * A test regenerates this file and fails when it is stale.
 */

/** The version of the messages sent (kernel/protocol.py PROTOCOL_VERSION). */
export const PROTOCOL_VERSION = 2;
