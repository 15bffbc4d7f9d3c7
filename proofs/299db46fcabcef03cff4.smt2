; corpus/equivalent/x86_64-inb.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x6 (bvsub RSP (_ bv8 64))))
(let ((?x238 (bvadd ?x6 (_ bv8 64))))
(let (($x41 (and (distinct ?x238 RSP) true)))
(let (($x190 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x149 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x192 (= TF (_ bv0 1))))
(let (($x99 (= VM (_ bv0 1))))
(let (($x104 (= DF (_ bv0 1))))
(and $x104 $x99 $x192 $x149 (or $x190 $x41)))))))))))
(check-sat)
