SELECT u.centrumgemeente, u.kwartaal, v.einddatum IS NOT DISTINCT FROM u.uitstroomdatum AS ok
FROM uitstroom u JOIN verblijven v USING (centrumgemeente, verblijf_id)
