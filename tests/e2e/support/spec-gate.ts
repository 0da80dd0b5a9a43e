// The specs whose imports reach the fixtures helper, by the same gate as the vitest projects: left out (and the
// default camera clip not converted) where ../shared/fixtures is absent, unless CI=true.
import { fixtureGate } from '../../support/fixture-gate.ts';

export const e2eFixtures = fixtureGate(['tests/e2e'], '.spec.ts');
