// The model server's page: one card per model, one form per endpoint, built from GET /v1/models.
// Each form posts JSON to its endpoint; a generation is read as server-sent events and shown as
// its tokens arrive. Elements carry ids "<model>-<action>-<part>" and a data-state
// (idle, running, done, error) so that people and browser tests can follow them.
'use strict';

function element(tag, attributes, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === 'text') {
      node.textContent = value;
    } else {
      node.setAttribute(name, value);
    }
  }
  for (const child of children || []) {
    node.appendChild(child);
  }
  return node;
}

function setting(id, label, value, attributes) {
  const input = element('input', Object.assign({id: id, type: 'number', value: String(value)}, attributes || {}));
  return element('label', {}, [document.createTextNode(label + ' '), input]);
}

function numberOf(id) {
  return Number(document.getElementById(id).value);
}

async function postJson(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) {
    throw new Error(answer.error + (answer.field ? ' (field: ' + answer.field + ')' : ''));
  }
  return answer;
}

function showError(output, error) {
  output.dataset.state = 'error';
  output.textContent = '';
  output.appendChild(element('span', {class: 'error', text: String(error.message || error)}));
}

function classificationForm(model, endpoint, prefix) {
  const input = element('textarea', {id: prefix + '-input', placeholder: 'Type a sentence'});
  const run = element('button', {id: prefix + '-run', text: 'Classify'});
  const output = element('div', {id: prefix + '-output', class: 'output', 'data-state': 'idle'});
  run.addEventListener('click', async () => {
    output.dataset.state = 'running';
    try {
      const answer = await postJson(endpoint.path, {text: input.value});
      output.textContent = '';
      output.appendChild(element('p', {id: prefix + '-label', text: 'label: ' + answer.label}));
      for (const [name, p] of Object.entries(answer.probabilities)) {
        output.appendChild(element('div', {class: 'bar', 'data-label': name, 'data-probability': String(p)}, [
          element('span', {class: 'name', text: name}),
          element('span', {class: 'fill', style: 'width:' + (p * 20).toFixed(2) + 'rem'}),
          element('span', {class: 'value', text: p.toFixed(3)}),
        ]));
      }
      output.dataset.state = 'done';
    } catch (error) {
      showError(output, error);
    }
  });
  return [input, run, output];
}

// Reads a text/event-stream body and calls onEvent(name, data) for each event.
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) {
      return;
    }
    buffered += decoder.decode(value, {stream: true});
    let end;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      let name = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) {
          name = line.slice(7);
        } else if (line.startsWith('data: ')) {
          data += line.slice(6);
        }
      }
      onEvent(name, JSON.parse(data));
    }
  }
}

function generationForm(model, endpoint, prefix) {
  const input = element('textarea', {id: prefix + '-input', placeholder: 'Text to start from (the prime)'});
  const settings = element('div', {class: 'settings'}, [
    setting(prefix + '-length', 'characters', 300, {min: 1}),
    setting(prefix + '-temperature', 'temperature', 0.8, {min: 0.01, max: 10, step: 0.05}),
    setting(prefix + '-top-k', 'top-k', 0, {min: 0}),
    setting(prefix + '-top-p', 'top-p', 1, {min: 0.01, max: 1, step: 0.05}),
  ]);
  const run = element('button', {id: prefix + '-run', text: 'Generate'});
  const output = element('pre', {id: prefix + '-output', class: 'output', 'data-state': 'idle', 'data-events': '0'});
  run.addEventListener('click', async () => {
    output.dataset.state = 'running';
    output.dataset.events = '0';
    output.textContent = input.value;
    try {
      const response = await fetch(endpoint.path, {
        method: 'POST',
        headers: {'Content-Type': 'application/json', 'Accept': 'text/event-stream'},
        body: JSON.stringify({
          prime: input.value,
          length: numberOf(prefix + '-length'),
          temperature: numberOf(prefix + '-temperature'),
          top_k: numberOf(prefix + '-top-k'),
          top_p: numberOf(prefix + '-top-p'),
          stream: true,
        }),
      });
      if (!response.ok) {
        const answer = await response.json();
        throw new Error(answer.error + (answer.field ? ' (field: ' + answer.field + ')' : ''));
      }
      await readEvents(response, (name, data) => {
        if (name === 'token') {
          output.textContent += data.text;
          output.dataset.events = String(Number(output.dataset.events) + 1);
        } else if (name === 'done') {
          output.dataset.state = 'done';
        } else if (name === 'error') {
          throw new Error(data.error);
        }
      });
    } catch (error) {
      showError(output, error);
    }
  });
  return [input, settings, run, output];
}

function textToTextForm(model, endpoint, prefix) {
  const input = element('input', {id: prefix + '-input', type: 'text', placeholder: 'e.g. 12+345'});
  const settings = element('div', {class: 'settings'}, [setting(prefix + '-beam', 'beam width', 1, {min: 1})]);
  const run = element('button', {id: prefix + '-run', text: 'Decode'});
  const output = element('div', {id: prefix + '-output', class: 'output', 'data-state': 'idle'});
  run.addEventListener('click', async () => {
    output.dataset.state = 'running';
    try {
      const answer = await postJson(endpoint.path, {source: input.value, beam: numberOf(prefix + '-beam')});
      output.textContent = '';
      output.appendChild(element('p', {id: prefix + '-result', 'data-output': answer.output,
        text: answer.source + ' → ' + answer.output}));
      output.dataset.state = 'done';
    } catch (error) {
      showError(output, error);
    }
  });
  return [input, settings, run, output];
}

function seriesForm(model, endpoint, prefix) {
  const input = element('input', {id: prefix + '-input', type: 'text', placeholder: 'values, e.g. 0.1, 0.5, 0.9'});
  const run = element('button', {id: prefix + '-run', text: 'Run'});
  const output = element('pre', {id: prefix + '-output', class: 'output', 'data-state': 'idle'});
  run.addEventListener('click', async () => {
    output.dataset.state = 'running';
    try {
      const values = input.value.split(/[\s,;]+/).filter((v) => v.length > 0).map(Number);
      const answer = await postJson(endpoint.path, {values: values});
      output.textContent = JSON.stringify(answer, null, 2);
      output.dataset.state = 'done';
    } catch (error) {
      showError(output, error);
    }
  });
  return [input, run, output];
}

const FORMS = {
  TEXT_CLASSIFICATION: classificationForm,
  TEXT_GENERATION: generationForm,
  TEXT_TO_TEXT: textToTextForm,
  SERIES: seriesForm,
};

async function load() {
  const main = document.getElementById('models');
  try {
    const response = await fetch('v1/models');
    const models = await response.json();
    main.textContent = '';
    for (const model of models) {
      const card = element('section', {class: 'card', id: 'model-' + model.name, 'data-kind': model.kind}, [
        element('h2', {}, [
          document.createTextNode(model.name + ' '),
          element('span', {class: 'kind', text: model.kind}),
        ]),
        element('p', {class: 'description', text: model.description}),
      ]);
      for (const endpoint of model.endpoints) {
        const form = FORMS[endpoint.form];
        if (!form) {
          continue;
        }
        const prefix = model.name + '-' + endpoint.action;
        card.appendChild(element('div', {class: 'form'}, [
          element('h3', {text: endpoint.action + ': ' + endpoint.summary}),
        ].concat(form(model, endpoint, prefix))));
      }
      main.appendChild(card);
    }
    main.dataset.state = 'ready';
  } catch (error) {
    main.dataset.state = 'error';
    main.textContent = 'The models could not be loaded: ' + error;
  }
}

load();
