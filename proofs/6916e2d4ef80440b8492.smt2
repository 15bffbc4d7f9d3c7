; corpus/not-equivalent/x86_64-halt-dropped.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x2425 (bvsub RSP (_ bv8 64))))
(let ((?x1701 (bvadd ?x2425 (_ bv8 64))))
(let (($x2154 (and (distinct ?x1701 RSP) true)))
(let (($x1085 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x2436 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x21 (= TF (_ bv0 1))))
(let (($x2194 (= VM (_ bv0 1))))
(let (($x2512 (= DF (_ bv0 1))))
(and $x2512 $x2194 $x21 $x2436 (or $x1085 true $x2154)))))))))))
(check-sat)
