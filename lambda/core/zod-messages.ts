/**
 * Validation messages in English. `zod/mini` (tree-shakable: a twentieth of classic zod's bundle and init time) ships
 * no messages of its own; importing this module once configures them for every schema.
 */
import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';

z.config(en());
