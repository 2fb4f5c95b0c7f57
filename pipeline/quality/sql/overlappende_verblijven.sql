-- Days two episodes share = least(end) - greatest(start), a running episode ending at R.
SELECT v.centrumgemeente, v.laatste_kwartaal AS kwartaal,
       NOT EXISTS (
           SELECT 1 FROM verblijven o JOIN peildata r USING (centrumgemeente)
           WHERE o.centrumgemeente = v.centrumgemeente
             AND o.client_pseudoniem = v.client_pseudoniem AND o.verblijf_id <> v.verblijf_id
             AND least(coalesce(o.einddatum, r.peildatum), coalesce(v.einddatum, r.peildatum))
                 - greatest(o.startdatum, v.startdatum) > 1) AS ok
FROM verblijven v
