// Oracle for tests/sources/test_dotenv_differential.py: the real npm dotenv, pinned in package.json.
// Protocol: every stdin line is a JSON list of cases; every case is a string (parsed with
// dotenv.parse) or {"path": p} (read like dotenv.config does: fs.readFileSync(p, 'utf8')).
// For every input line, one stdout line: a JSON list with, per case, {"parsed": {...}} and for
// path cases also {"text": <the decoded text>}. One process serves a whole test session.
'use strict'
const fs = require('fs')
const readline = require('readline')
const dotenv = require('dotenv')

function run (item) {
  if (typeof item === 'string') return { parsed: dotenv.parse(item) }
  const text = fs.readFileSync(item.path, 'utf8')
  return { parsed: dotenv.parse(text), text }
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
rl.on('line', (line) => {
  if (line.trim() === '') return
  const cases = JSON.parse(line)
  process.stdout.write(JSON.stringify(cases.map(run)) + '\n')
})
