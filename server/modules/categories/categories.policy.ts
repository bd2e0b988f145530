/** Who may read and change the catalogue. The catalogue is tenant-wide: no per-object scope. */
import { can } from '../../http/access.ts';

export const categoriesAccess = {
  list: can('categories.read'),
  get: can('categories.read'),
  create: can('categories.write'),
  update: can('categories.write'),
  setRule: can('categories.write'),
} as const;
