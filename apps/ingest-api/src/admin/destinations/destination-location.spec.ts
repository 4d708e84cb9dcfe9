import { AppError } from '../../core/errors/app-error';
import { DestinationLocation, newLocation, updatedLocation } from './destination-location';

const US: DestinationLocation = { region: 'us', baseUrl: null };
const OWN: DestinationLocation = { region: null, baseUrl: 'https://fs.example' };

describe('updatedLocation', () => {
  it.each<[string, DestinationLocation, { region?: 'us' | 'eu' | null; baseUrl?: string | null }, DestinationLocation]>(
    [
      ['nothing given keeps both', US, {}, US],
      ['a region clears the base URL', OWN, { region: 'eu' }, { region: 'eu', baseUrl: null }],
      [
        'a base URL clears the region',
        US,
        { baseUrl: 'https://x.example' },
        { region: null, baseUrl: 'https://x.example' },
      ],
      ['null region clears only the region', US, { region: null }, { region: null, baseUrl: null }],
      ['null base URL clears only the base URL', OWN, { baseUrl: null }, { region: null, baseUrl: null }],
      [
        'null region beside a base URL sets the base URL',
        US,
        { region: null, baseUrl: 'https://y.example' },
        { region: null, baseUrl: 'https://y.example' },
      ],
    ],
  )('%s', (_name, current, change, expected) => {
    expect(updatedLocation(current, change)).toEqual(expected);
  });

  it('refuses a region and a base URL together, on create and on update', () => {
    expect(() => updatedLocation(US, { region: 'eu', baseUrl: 'https://x.example' })).toThrow(AppError);
    expect(() => newLocation('us', 'https://x.example')).toThrow(AppError);
    expect(newLocation(null, 'https://x.example')).toEqual({ region: null, baseUrl: 'https://x.example' });
  });
});
