// What package.json promises a new user: the Get started walkthrough (each step completed by the
// command it offers), the empty SQL Pools view's buttons, and the metadata vsce and the
// Marketplace need (icon, license, repository, keywords, banner, changelog).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(__filename), '..', '..', '..');

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents?: string[];
}
interface Manifest {
  icon?: string;
  license?: string;
  repository?: { url?: string };
  keywords?: string[];
  galleryBanner?: { color?: string; theme?: string };
  scripts: Record<string, string>;
  contributes: {
    commands: { command: string }[];
    walkthroughs?: { id: string; title: string; steps: Step[] }[];
    viewsWelcome?: { view: string; contents: string }[];
  };
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const commands = new Set(manifest.contributes.commands.map((c) => c.command));
const commandLinks = (text: string): string[] => [...text.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]!);

describe('the Get started walkthrough', () => {
  const walkthrough = manifest.contributes.walkthroughs?.find((w) => w.title === 'Get started with Predict with a model');

  it('leads through connect or start the pool, add a registry, predict on a table, run the script', () => {
    assert.ok(walkthrough, 'no walkthrough titled "Get started with Predict with a model"');
    assert.deepEqual(
      walkthrough.steps.map((s) => s.completionEvents),
      [
        ['onCommand:predictWizard.addConnection', 'onCommand:predictWizard.startLocalPool'],
        ['onCommand:predictWizard.addModelRegistry'],
        ['onCommand:predictWizard.predictWithModel'],
        ['onCommand:predictWizard.runScript'],
      ],
    );
  });

  it('offers in each step the commands that complete it, and shows a page of its own', () => {
    for (const step of walkthrough?.steps ?? []) {
      const links = commandLinks(step.description);
      for (const c of links) assert.ok(commands.has(c), `step ${step.id} links to ${c}, which the extension does not contribute`);
      for (const e of step.completionEvents ?? []) assert.ok(links.includes(e.replace(/^onCommand:/, '')), `step ${step.id} offers no button for ${e}`);
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media && existsSync(join(root, media)), `step ${step.id}: media ${media} is missing`);
    }
  });
});

describe('the empty SQL Pools view', () => {
  it('offers Add Connection and Start Local Pool', () => {
    const welcome = manifest.contributes.viewsWelcome?.find((w) => w.view === 'predictWizard.explorer');
    assert.ok(welcome);
    assert.deepEqual(commandLinks(welcome.contents), ['predictWizard.addConnection', 'predictWizard.startLocalPool']);
    assert.match(welcome.contents, /\[Add Connection\]\(command:predictWizard\.addConnection\)/);
    assert.match(welcome.contents, /\[Start Local Pool\]\(command:predictWizard\.startLocalPool\)/);
  });
});

describe('the package metadata', () => {
  it('has a 128×128 PNG icon', () => {
    assert.ok(manifest.icon);
    const png = readFileSync(join(root, manifest.icon));
    assert.equal(png.toString('latin1', 1, 4), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('has an MIT LICENSE, a CHANGELOG, a repository, keywords, a gallery banner and the package script', () => {
    assert.equal(manifest.license, 'MIT');
    assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /^MIT License/);
    assert.match(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), /^# Changelog/);
    assert.match(manifest.repository?.url ?? '', /^https:\/\//);
    assert.ok((manifest.keywords ?? []).length >= 3);
    assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9A-Fa-f]{6}$/);
    assert.equal(manifest.scripts.package, 'node scripts/package.mjs');
  });
});
