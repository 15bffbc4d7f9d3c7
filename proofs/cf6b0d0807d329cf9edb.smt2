; corpus/equivalent/x86_64-mfence.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x25 (bvsub RSP (_ bv8 64))))
(let ((?x204 (bvadd ?x25 (_ bv8 64))))
(let (($x12 (and (distinct ?x204 RSP) true)))
(let (($x57 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x192 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x186 (= TF (_ bv0 1))))
(let (($x168 (= VM (_ bv0 1))))
(let (($x47 (= DF (_ bv0 1))))
(and $x47 $x168 $x186 $x192 (or $x57 $x12)))))))))))
(check-sat)
