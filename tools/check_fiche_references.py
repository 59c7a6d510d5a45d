"""Interim check until the loader reads `ref` sources: every fiche parses, every ref names a reference,
every vocabulary source_url is a reference url, and no editorial doubt is left in running text."""
import glob, tomllib, sys
sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parent.parent))
from resources.content_files import iter_fiches, load_vocabularies, check_fiche
refs = {}
for f in glob.glob(str(__import__('pathlib').Path(__file__).resolve().parent.parent / 'fixtures/references/*.toml')):
    for r in tomllib.load(open(f, 'rb'))['reference']:
        assert r['slug'] not in refs, r['slug']; refs[r['slug']] = r
fiches = iter_fiches(); slugs = {f.slug for f in fiches}; voc = load_vocabularies()
bad = 0
for f in fiches:
    probs = [p for p in check_fiche(f, voc, slugs) if 'source needs a label' not in p]
    for s in f.meta.get('sources', []):
        if 'ref' in s and s['ref'] not in refs: probs.append('unknown ref ' + s['ref'])
        if 'ref' not in s and s.get('kind') != 'inference': probs.append('old-style source')
        if s.get('kind') == 'inference' and not s.get('label'): probs.append('inference without label')
    if not (250 <= f.word_count <= 550): probs.append(f'{f.word_count} words')
    for w in ('à confirmer', 'vraisemblablement', 'de Le RAMEAU', 'à Le RAMEAU', 'source d’innovation par'):
        if w in f.body or w in f.meta['chapeau']: probs.append('text: ' + w)
    if probs: bad += 1; print(f.slug, probs)
urls = {r['url'] for r in refs.values()}
for t, rows in voc.items():
    for r in rows:
        if 'source_url' in r and r['source_url'] not in urls: print('vocab url', r['slug']); bad += 1
        if r.get('provenance') not in (None, 'confirmed', 'inferred', 'to_confirm'): print('prov', r['slug']); bad += 1
print(len(fiches), 'fiches,', len(refs), 'references,', bad, 'problems')
