import fc from 'fast-check';
import { Engine, NestedCondition, TopLevelCondition } from 'json-rules-engine';
import { buildFraudConfig } from '../config/fraud-config';
import { compileConditions } from './conditions';
import { ruleDefinitions } from './rule-definitions';

/** Every leaf of a condition tree. */
function leaves(condition: TopLevelCondition | NestedCondition): { fact: string; value: unknown }[] {
  const node = condition as Record<string, unknown>;
  if (Array.isArray(node.all)) return (node.all as NestedCondition[]).flatMap(leaves);
  if (Array.isArray(node.any)) return (node.any as NestedCondition[]).flatMap(leaves);
  if (node.not) return leaves(node.not as NestedCondition);
  return [{ fact: node.fact as string, value: node.value }];
}

describe('rule conditions', () => {
  const definitions = ruleDefinitions(buildFraudConfig());

  it('decide every fraud rule exactly as json-rules-engine does, on facts around each threshold', async () => {
    // Per fact: absent, the values the rules compare it with, their neighbours, and values of other types.
    const candidates = new Map<string, unknown[]>();
    for (const { fact, value } of definitions.flatMap((rule) => leaves(rule.conditions))) {
      const values = candidates.get(fact) ?? [undefined, null, true, false, 0, -1, 'other', '3', '', ' ', []];
      for (const v of Array.isArray(value) ? value : [value]) {
        values.push(v);
        if (typeof v === 'number') values.push(v - 1, v - 0.01, v + 0.01, v + 1, String(v), [v]);
      }
      candidates.set(fact, values);
    }
    const facts = fc.record(Object.fromEntries([...candidates].map(([fact, values]) => [fact, fc.constantFrom(...values)])), {
      requiredKeys: [],
    });
    const engines = definitions.map((rule) => ({
      rule,
      test: compileConditions(rule.conditions),
      engine: new Engine([{ conditions: rule.conditions, event: { type: rule.code } }], { allowUndefinedFacts: true }),
    }));
    await fc.assert(
      fc.asyncProperty(facts, async (drawn) => {
        for (const { rule, test, engine } of engines) {
          const { events } = await engine.run({ ...drawn });
          expect([rule.code, test(drawn)]).toEqual([rule.code, events.length === 1]);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('combine all, any and not, and compare a fact with another fact', () => {
    const test = compileConditions({
      all: [
        { fact: 'a', operator: 'greaterThanInclusive', value: { fact: 'b' } },
        { any: [{ fact: 'kind', operator: 'in', value: ['x', 'y'] }, { not: { fact: 'flag', operator: 'equal', value: true } }] },
      ],
    });
    expect(test({ a: 2, b: 2, kind: 'x', flag: true })).toBe(true);
    expect(test({ a: 2, b: 3, kind: 'x' })).toBe(false);
    expect(test({ a: 3, b: 2, kind: 'z', flag: true })).toBe(false);
    expect(test({ a: 3, b: 2, kind: 'z' })).toBe(true);
    expect(compileConditions({ all: [] })({})).toBe(true);
    expect(compileConditions({ any: [] })({})).toBe(false);
  });

  it('refuse what they would misread: unknown operators, paths, named conditions', () => {
    expect(() => compileConditions({ all: [{ fact: 'a', operator: 'near', value: 1 }] })).toThrow(/unknown operator "near"/);
    expect(() => compileConditions({ all: [{ fact: 'a', operator: 'equal', value: 1, path: '$.b' }] })).toThrow(/paths and params/);
    expect(() => compileConditions({ all: [{ condition: 'shared' } as unknown as NestedCondition] })).toThrow(/not supported/);
  });
});
