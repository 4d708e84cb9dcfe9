import { pauseControl } from './destination-controls';

const ID = '5b0e7c3e-8f0a-4c9e-9d51-0f6f2f1f0a11';

describe('pauseControl', () => {
  it.each([
    [false, 'pause', 'Pause', 'Deliveries: running'],
    [true, 'resume', 'Resume', 'Deliveries: paused'],
  ])('paused=%s offers %s', (paused, action, label, state) => {
    const html = pauseControl({ id: ID, name: 'Shop', paused });
    expect(html).toContain(
      `<button type="button" class="pause-toggle" data-action="${action}" data-destination="${ID}" data-name="Shop" aria-label="${label} deliveries to Shop">${label}</button>`,
    );
    expect(html).toContain(`>${state}</span>`);
    expect(html.match(/<button/g)).toHaveLength(1);
  });

  it('escapes the destination name in the label and the data attribute', () => {
    const html = pauseControl({ id: ID, name: `"><script>x</script>'`, paused: false });
    expect(html).not.toContain('<script>');
    expect(html).toContain('data-name="&quot;&gt;&lt;script&gt;x&lt;/script&gt;&#39;"');
    expect(html).toContain('aria-label="Pause deliveries to &quot;&gt;&lt;script&gt;x&lt;/script&gt;&#39;"');
  });
});
