; corpus/history/2.6.24-5.12-x86/x86_64-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x235 (bvsub RSP (_ bv8 64))))
(let ((?x678 (bvadd ?x235 (_ bv8 64))))
(let (($x252 (and (distinct ?x678 RSP) true)))
(let (($x207 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x201 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x244 (= TF (_ bv0 1))))
(let (($x329 (= VM (_ bv0 1))))
(let (($x884 (= DF (_ bv0 1))))
(and $x884 $x329 $x244 $x201 (or $x207 $x252)))))))))))
(check-sat)
