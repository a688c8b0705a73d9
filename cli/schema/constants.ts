// Constants of the formats, apart from the zod schemas (schema/common.ts) so a module that needs
// only these does not load zod: `qwex render` with a warm runner cache never does.
export const API_VERSION = 'qwex/v1';

// Template names end up in paths, job names and shell words: keep them boring.
export const TEMPLATE_NAME_RE = /^[a-z][a-z0-9-]{0,62}$/;
