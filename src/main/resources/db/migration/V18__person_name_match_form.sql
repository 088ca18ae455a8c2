-- Person names are matched in the form PS3.5 6.2 makes significant: the alphabetic group, without
-- the trailing empty components and their carets ("DOE^JOHN^^^" is "DOE^JOHN"), as the DICOM JSON
-- of the same study shows it (index.PersonNames.matchForm). Rows stored before are brought to it;
-- the display copies in the attributes JSON are not touched.
UPDATE study SET patient_name = NULLIF(rtrim(split_part(patient_name, '=', 1), '^ '), '')
    WHERE patient_name ~ '[=^ ]';
UPDATE study SET referring_physician_name = NULLIF(rtrim(split_part(referring_physician_name, '=', 1), '^ '), '')
    WHERE referring_physician_name ~ '[=^ ]';
UPDATE derived_study SET patient_name = NULLIF(rtrim(split_part(patient_name, '=', 1), '^ '), '')
    WHERE patient_name ~ '[=^ ]';
UPDATE derived_study SET referring_physician_name = NULLIF(rtrim(split_part(referring_physician_name, '=', 1), '^ '), '')
    WHERE referring_physician_name ~ '[=^ ]';
