import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Worker threads run JavaScript. Built code finds a worker file beside itself; tests run the TypeScript
 * sources and use the build of the same file (`npm test` builds first).
 */
export function builtFile(fromModuleUrl: string, relativeJsPath: string): string {
  const here = path.dirname(fileURLToPath(fromModuleUrl));
  const target = path.resolve(here, relativeJsPath);
  if (fromModuleUrl.endsWith('.js')) return target;
  let projectRoot = here;
  while (!fs.existsSync(path.join(projectRoot, 'package.json'))) {
    const parent = path.dirname(projectRoot);
    if (parent === projectRoot) throw new Error(`no package.json above ${here}`);
    projectRoot = parent;
  }
  const built = path.join(projectRoot, 'dist', path.relative(projectRoot, target));
  if (!fs.existsSync(built)) throw new Error(`worker not built (${built}): run npm run build`);
  return built;
}
