// data/bdpm/SOURCE.md: the licence's attribution and the subset's provenance, written by the
// generator from its manifest so the two never disagree.
import { SubsetManifest } from './subset-manifest';

const FILE_ROLES: Record<string, string> = {
  'CIS_bdpm.txt': 'specialities (medicines)',
  'CIS_CIP_bdpm.txt': 'packs, CIP13 codes, prices, reimbursement',
  'CIS_CPD_bdpm.txt': 'conditions of prescription and dispensing',
  'CIS_COMPO_bdpm.txt': 'composition (active substances)',
};

const REGULATED_TEXTS: Record<string, string> = {
  narcotic: 'stupéfiants',
  secureWithQuantitiesInWords: 'prescription en toutes lettres sur ordonnance sécurisée',
  securePrescription: 'prescription sur ordonnance sécurisée',
  listI: 'liste I',
  listII: 'liste II',
  hospitalOnly: "réservé à l'usage HOSPITALIER",
  hospitalPrescription: 'prescription hospitalière',
};

function number(n: number): string {
  return n.toLocaleString('en');
}

export function subsetSourceNote(manifest: SubsetManifest): string {
  const files = Object.entries(manifest.files);
  const totalBytes = files.reduce((sum, [, facts]) => sum + facts.bytes, 0);
  const lines = [
    '# BDPM subset bundled with Ordo',
    '',
    'A small part of the Base de données publique des médicaments, so that a clone of Ordo with no',
    'full BDPM copy beside it still checks prescriptions against real medicines. Written by',
    '`npm run ordo -- medicines subset`: regenerate it rather than edit it.',
    '',
    '## Origin and licence',
    '',
    '- **Source:** ANSM (Agence nationale de sécurité du médicament et des produits de santé),',
    '  Base de données publique des médicaments, https://base-donnees-publique.medicaments.gouv.fr/',
    `- **Data of:** ${manifest.source.dated}. The files it was cut from, identified by their SHA-256:`,
    '',
    '  | File | Rows | SHA-256 |',
    '  |---|---|---|',
    ...Object.entries(manifest.source.files).map(([name, facts]) => `  | ${name} | ${number(facts.rows)} | \`${facts.sha256}\` |`),
    '',
    '- **Licence:** Licence Ouverte / Open Licence 2.0 (Etalab). Reuse is free, commercial use',
    '  included, provided the source and the date of the data are credited:',
    `  *"Source : ANSM, Base de données publique des médicaments`,
    `  (base-donnees-publique.medicaments.gouv.fr), données de ${manifest.source.dated}."*`,
    "  This subset only leaves rows out: every row it holds is ANSM's, unchanged.",
    '',
    '## What it holds',
    '',
    `${number(manifest.medicines)} medicines (CIS) of the source's ${number(manifest.source.files['CIS_bdpm.txt'].rows)}, ` +
      `${number(manifest.conditionTexts)} of its ${number(manifest.source.conditionTexts)} distinct condition texts, ` +
      `${number(totalBytes)} bytes in all.`,
    '',
    '| File | What | Rows | Bytes |',
    '|---|---|---|---|',
    ...files.map(([name, facts]) => `| ${name} | ${FILE_ROLES[name]} | ${number(facts.rows)} | ${number(facts.bytes)} |`),
    '',
    'Medicines of each regulated kind (a medicine may be of several), as the importer classifies',
    'their conditions of prescription and dispensing:',
    '',
    '| Kind | CPD text | Medicines |',
    '|---|---|---|',
    ...Object.entries(manifest.regulated).map(([kind, n]) => `| ${kind} | ${REGULATED_TEXTS[kind]} | ${number(n)} |`),
    '',
    'Same file names, columns, encoding and line endings as the source: its lines are copied byte',
    "for byte, so the importer (libs/medicines) reads this folder as it reads ANSM's. Rows are",
    'counted as the importer counts them (blank lines left out). `subset-manifest.json` holds the',
    'same counts, the SHA-256 of each file, and the CIS chosen for each entry below.',
    '',
    '## How it was selected',
    '',
    'A medicine (CIS) is taken whole or not at all: its line in CIS_bdpm, every pack in CIS_CIP,',
    'every condition in CIS_CPD, every composition row in CIS_COMPO. Where an entry (a substance, a',
    'brand, a name) fits many medicines, the best few are taken: an active authorisation, marketed,',
    'then the most marketed reimbursed packs, then the most marketed packs, then the lowest CIS.',
    'A substance entry takes medicines whose active ingredients are exactly those named. The groups,',
    'in order, with the medicines each added to the earlier ones:',
    '',
    ...manifest.groups.map((group, i) => `${i + 1}. ${group.reason}: ${number(group.added)}`),
    '',
    'The groups are data in `tools/medicines/subset-selection.ts`.',
    '',
    '## Regenerate',
    '',
    "From a full copy of the four files (ANSM's download, or `../shared/data/bdpm`):",
    '',
    '```sh',
    'npm run build',
    `npm run ordo -- medicines subset --from ../shared/data/bdpm --to data/bdpm --dated "${manifest.source.dated}"`,
    '```',
    '',
    'It prints the counts per file and the entries that found nothing, and refuses to write when',
    'a code the repository uses is missing from the copy.',
    '',
  ];
  return lines.join('\n');
}
